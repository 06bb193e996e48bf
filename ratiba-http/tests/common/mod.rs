//! Helpers shared by the socket tests.

/// POSTs every body at once (one task each) and returns the statuses, in order.
pub async fn post_concurrently(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    bodies: Vec<String>,
) -> Vec<u16> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let request = client
                .post(url)
                .header("x-admin-api-key", key)
                .header("content-type", "application/json")
                .body(body);
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task").expect("request"));
    }
    statuses
}
