//! Read the products of a user's last order, for a "buy again" block.
//!
//! ```sh
//! cargo run --features fake --example last_order
//! ```

mod common;

use personaclick::fake::{json, Who};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    let did = match std::env::var("PERSONACLICK_DID") {
        Ok(did) => did,
        Err(_) => target.client.init().send().await?.did.unwrap_or_default(),
    };
    if let Some(fake) = &target.fake {
        fake.add_order(
            Who::Did(did.clone()),
            "order-7",
            "delivered",
            vec![
                json!({"id": "sku-1", "name": "Trail shoes", "price": 120, "price_formatted": "$120",
                       "image_url_resized": {"220": "https://cdn.example/sku-1-220.jpg"}, "leftovers": "few"}),
                json!({"id": "sku-2", "name": "Wool socks", "price": 12.5, "price_formatted": "$12.50", "leftovers": "lot"}),
            ],
        );
    }
    let products = target
        .client
        .get_last_order_products()
        .did(&did)
        .send()
        .await?;
    println!("last order of {did}: {} products", products.len());
    for p in products {
        let thumbnail = p.image_url_resized.and_then(|i| i.px220);
        let stock = p
            .leftovers
            .map(|l| l.to_string())
            .unwrap_or_else(|| "?".into());
        println!(
            "- {} {} (stock: {stock}, thumbnail: {})",
            p.name.as_deref().unwrap_or("(no name)"),
            p.price_formatted.as_deref().unwrap_or(""),
            thumbnail.as_deref().unwrap_or("none")
        );
    }
    Ok(())
}
