//! Helpers shared by the HTTP tests.

/// Ids, times and one-time passwords out of a body, for snapshots (pretty JSON).
#[allow(dead_code)] // not every test file takes snapshots
pub fn redact(text: &str) -> String {
    let pretty = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string());
    let ulid = regex::Regex::new(r"\b[0-9A-HJKMNP-TV-Z]{26}\b").expect("regex");
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").expect("regex");
    let password = regex::Regex::new(r"\b[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}\b").expect("regex");
    let out = ulid.replace_all(&pretty, "[ULID]");
    let out = time.replace_all(&out, "[TIME]");
    password.replace_all(&out, "[PASSWORD]").into_owned()
}

/// POSTs every body at once (one task each) and returns the statuses, in order.
#[allow(dead_code)] // only the socket tests use it
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
