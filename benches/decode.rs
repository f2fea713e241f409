//! Benchmark 2: decoding responses. The generated types (`personaclick::Product`,
//! `personaclick::Notifications`) against plain serde-derive structs written by hand for the
//! same JSON, and against `serde_json::Value` for reference. `ours` is the types' own
//! `Deserialize`; `client` is what a call runs (the response read as a whole, its report of
//! values not read collected at the top). A third body has one value in ten mistyped, which
//! the hand-written structs cannot read at all: ours against hand-written on the well-typed
//! body.
//!
//! `cargo bench --bench decode`; the ratios are printed at the end. `DECODE_ONLY` (below) runs
//! one decoder in a loop, for a profiler.

mod common;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use common::summary::{criterion_home, median_ns, show};
use criterion::{Criterion, Throughput};

const PRODUCTS: usize = 50;
const MESSAGES: usize = 50;

/// What a call does with a body: the whole response read leniently, as the client does.
fn client<T: personaclick::__private::Read>(body: &[u8]) -> T {
    let mut de = serde_json::Deserializer::from_slice(body);
    personaclick::__private::decode_response(&mut de, personaclick::__private::Reading::Lenient)
        .unwrap()
        .0
}

fn benches(c: &mut Criterion) {
    let products = common::products_json(PRODUCTS);
    let notifications = common::notifications_json(MESSAGES);
    let mistyped = common::mistyped_products_json(PRODUCTS);

    // The three decoders must agree on what they read, or the comparison means nothing.
    let ours: Vec<personaclick::Product> = serde_json::from_str(&products).unwrap();
    let hand: Vec<common::Product> = serde_json::from_str(&products).unwrap();
    assert_eq!(ours.len(), PRODUCTS);
    assert_eq!(hand.len(), PRODUCTS);
    assert_eq!(
        ours[49].image_url_resized.as_ref().unwrap().px520,
        hand[49].image_url_resized.as_ref().unwrap().px520
    );
    assert_eq!(ours[7].category_ids, hand[7].category_ids);
    let ours: personaclick::Notifications = serde_json::from_str(&notifications).unwrap();
    let hand: common::Notifications = serde_json::from_str(&notifications).unwrap();
    let (ours, hand) = (
        ours.payload.unwrap().messages.unwrap(),
        hand.payload.unwrap().messages.unwrap(),
    );
    assert_eq!(ours.len(), MESSAGES);
    assert_eq!(ours[49].campaign_id, hand[49].campaign_id);
    assert_eq!(
        ours[49].statistics.as_ref().unwrap().opened,
        hand[49].statistics.as_ref().unwrap().opened
    );

    let read: Vec<personaclick::Product> = client(mistyped.as_bytes());
    let unread: usize = read.iter().map(|p| p.unread().len()).sum();
    assert_eq!(read.len(), PRODUCTS);
    assert!(
        unread > PRODUCTS,
        "the mistyped body has values not read: {unread}"
    );
    assert!(serde_json::from_str::<Vec<common::Product>>(&mistyped).is_err());

    let mut g = c.benchmark_group("decode_products_50");
    g.throughput(Throughput::Bytes(products.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<personaclick::Product>>(black_box(products.as_bytes()))
                .unwrap()
        })
    });
    g.bench_function("client", |b| {
        b.iter(|| client::<Vec<personaclick::Product>>(black_box(products.as_bytes())))
    });
    g.bench_function("mistyped", |b| {
        b.iter(|| client::<Vec<personaclick::Product>>(black_box(mistyped.as_bytes())))
    });
    g.bench_function("hand", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<common::Product>>(black_box(products.as_bytes())).unwrap()
        })
    });
    g.bench_function("value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(products.as_bytes())).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("decode_notifications_50");
    g.throughput(Throughput::Bytes(notifications.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            serde_json::from_slice::<personaclick::Notifications>(black_box(
                notifications.as_bytes(),
            ))
            .unwrap()
        })
    });
    g.bench_function("client", |b| {
        b.iter(|| client::<personaclick::Notifications>(black_box(notifications.as_bytes())))
    });
    g.bench_function("hand", |b| {
        b.iter(|| {
            serde_json::from_slice::<common::Notifications>(black_box(notifications.as_bytes()))
                .unwrap()
        })
    });
    g.bench_function("value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(notifications.as_bytes()))
                .unwrap()
        })
    });
    g.finish();

    println!(
        "bodies: {PRODUCTS} products = {} bytes, {MESSAGES} messages = {} bytes",
        products.len(),
        notifications.len()
    );
}

fn summary(since: SystemTime) {
    println!("\nsummary (medians; ratio = ours / hand-written, goal <= 1.10; mistyped <= 2):");
    println!(
        "{:<26} {:>11} {:>11} {:>11} {:>11} {:>11} {:>12} {:>12} {:>12}",
        "",
        "ours",
        "client",
        "hand",
        "Value",
        "mistyped",
        "ours/hand",
        "client/hand",
        "mistyped/hand"
    );
    for group in ["decode_products_50", "decode_notifications_50"] {
        let m = |f: &str| median_ns(&format!("{group}/{f}"), since);
        let (Some(ours), Some(client), Some(hand), Some(value)) =
            (m("ours"), m("client"), m("hand"), m("value"))
        else {
            continue;
        };
        let mistyped = m("mistyped");
        println!(
            "{group:<26} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11.2}x {:>11.2}x {:>12}",
            show(ours),
            show(client),
            show(hand),
            show(value),
            mistyped.map_or("-".into(), show),
            ours / hand,
            client / hand,
            mistyped.map_or("-".into(), |m| format!("{:.2}x", m / hand)),
        );
    }
}

/// `DECODE_ONLY=products/ours` (or `notifications/hand`, `products/value`, ...): decode that
/// body `DECODE_N` times (default 100) and exit, without criterion: for counting instructions
/// with `valgrind --tool=callgrind`, which on this noisy machine is steadier than time.
fn decode_only(which: &str) {
    let n: usize = std::env::var("DECODE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let products = common::products_json(PRODUCTS);
    let notifications = common::notifications_json(MESSAGES);
    let mistyped = common::mistyped_products_json(PRODUCTS);
    let (p, m) = (products.as_bytes(), notifications.as_bytes());
    for _ in 0..n {
        match which {
            "products/client" => drop(black_box(client::<Vec<personaclick::Product>>(p))),
            "products/mistyped" => drop(black_box(client::<Vec<personaclick::Product>>(
                mistyped.as_bytes(),
            ))),
            "notifications/client" => {
                drop(black_box(client::<personaclick::Notifications>(m)))
            }
            "products/ours" => drop(black_box(
                serde_json::from_slice::<Vec<personaclick::Product>>(p).unwrap(),
            )),
            "products/hand" => drop(black_box(
                serde_json::from_slice::<Vec<common::Product>>(p).unwrap(),
            )),
            "products/value" => drop(black_box(
                serde_json::from_slice::<serde_json::Value>(p).unwrap(),
            )),
            "notifications/ours" => drop(black_box(
                serde_json::from_slice::<personaclick::Notifications>(m).unwrap(),
            )),
            "notifications/hand" => drop(black_box(
                serde_json::from_slice::<common::Notifications>(m).unwrap(),
            )),
            "notifications/value" => drop(black_box(
                serde_json::from_slice::<serde_json::Value>(m).unwrap(),
            )),
            "none" => {}
            other => panic!(
                "DECODE_ONLY={other}: expected products|notifications / ours|client|hand|value, products/mistyped, or none"
            ),
        }
    }
}

fn main() {
    if let Ok(which) = std::env::var("DECODE_ONLY") {
        return decode_only(&which);
    }
    criterion_home();
    let since = SystemTime::now();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c);
    c.final_summary();
    summary(since);
}
