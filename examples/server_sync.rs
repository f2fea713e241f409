//! Server side: push the customers of a store's own database into PersonaClick, several calls
//! in flight on one shared client, and report what failed without stopping the rest.
//!
//! ```sh
//! cargo run --features fake --example server_sync
//! ```

mod common;

use personaclick::{Gender, Kid};

/// A row of the store's own customer table.
struct Customer {
    id: u32,
    email: &'static str,
    first_name: &'static str,
    birthday: &'static str,
    kids: &'static [(&'static str, Gender)],
}

const CUSTOMERS: &[Customer] = &[
    Customer {
        id: 1,
        email: "ann@examplemail.com",
        first_name: "Ann",
        birthday: "1985-02-14",
        kids: &[],
    },
    Customer {
        id: 2,
        email: "bob@examplemail.com",
        first_name: "Bob",
        birthday: "1990-03-11",
        kids: &[("2015-07-28", Gender::Female)],
    },
    // A typo in the store's data: caught before anything is sent.
    Customer {
        id: 3,
        email: "eve@examplemail.com",
        first_name: "Eve",
        birthday: "1990-13-01",
        kids: &[],
    },
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    let mut calls = tokio::task::JoinSet::new();
    for customer in CUSTOMERS {
        // Clones share one connection pool.
        let client = target.client.clone();
        calls.spawn(async move {
            let kids = customer
                .kids
                .iter()
                .map(|(birthday, gender)| Kid::new().birthday(*birthday).gender(gender.clone()));
            let result = client
                .set_profile()
                .id(customer.id.to_string())
                .email(customer.email)
                .first_name(customer.first_name)
                .birthday(customer.birthday)
                .kids(kids)
                .custom_property("custom_string_property", "synced")
                .send()
                .await;
            (customer.id, result)
        });
    }
    let (mut synced, mut failed) = (0, 0);
    while let Some(joined) = calls.join_next().await {
        match joined? {
            (_, Ok(_)) => synced += 1,
            (id, Err(e)) => {
                failed += 1;
                // `is_retryable` says whether to queue the row for a later run.
                println!("customer {id}: {e} (retry later: {})", e.is_retryable());
            }
        }
    }
    println!("synced {synced}, failed {failed}");
    let bob = target
        .client
        .get_profile()
        .email("bob@examplemail.com")
        .send()
        .await?;
    println!(
        "bob in PersonaClick: {:?}, kids {}",
        bob.first_name,
        bob.kids.map_or(0, |k| k.len())
    );
    Ok(())
}
