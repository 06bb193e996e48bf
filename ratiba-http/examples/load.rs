//! A small load generator for `ratiba serve`, run as a second process on loopback:
//!
//!     cargo run --release -p ratiba-http --example load -- URL KEY MODE CONCURRENCY COUNT
//!
//! MODE `get` repeats GET URL; MODE `onboard` POSTs COUNT onboarding requests with
//! distinct slugs to URL. Prints requests per second and latency percentiles as one
//! JSON line.

use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, key, mode, concurrency, count] = args.as_slice() else {
        return Err("usage: load URL KEY get|onboard CONCURRENCY COUNT".into());
    };
    let concurrency: usize = concurrency.parse()?;
    let count: usize = count.parse()?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let tag = std::process::id();
    let started = Instant::now();
    let mut workers = Vec::new();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..concurrency {
        let (client, url, key, mode, next) = (
            client.clone(),
            url.clone(),
            key.clone(),
            mode.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let t = Instant::now();
                let request = if mode == "onboard" {
                    let body = format!(
                        r#"{{"name":"Bench {i}","slug":"bench_{tag}_{i}","vertical":"spa","owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true}}"#
                    );
                    client.post(&url).header("content-type", "application/json").body(body)
                } else {
                    client.get(&url)
                };
                match request.header("x-admin-api-key", &key).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all[i].as_secs_f64() * 1000.0
    };
    println!(
        "{{\"mode\":\"{mode}\",\"requests\":{},\"errors\":{errors},\"seconds\":{:.2},\"rps\":{:.0},\"p50_ms\":{:.2},\"p90_ms\":{:.2},\"p99_ms\":{:.2}}}",
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64().max(Duration::from_millis(1).as_secs_f64()),
        pct(0.5),
        pct(0.9),
        pct(0.99)
    );
    Ok(())
}
