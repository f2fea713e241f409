//! What the fake remembers, and what each operation does with it. Parameters arrive checked
//! against the schema; this module adds the behaviour no schema can say (who a `did` belongs
//! to, which profile an email finds, what a forced change moves).

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::{json, Map, Value};

use super::validate::Checked;
use super::{CustomKind, Fault, FaultKind, Recorded, Who, DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET};
use crate::check::Format;

/// An HTTP answer: status and JSON body.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Answer { status: 200, body }
    }

    fn success() -> Self {
        Self::ok(json!({"status": "success"}))
    }

    pub fn error(status: u16, message: &str) -> Self {
        Answer {
            status,
            body: json!({"status": "error", "message": message}),
        }
    }
}

/// Parameters that say who is calling, not what to store in a profile.
const SESSION_PARAMS: &[&str] = &[
    "shop_id",
    "shop_secret",
    "did",
    "seance",
    "segment",
    "referer",
];

/// What "Erase Personal Data" clears, besides the custom properties (the unified docs' list;
/// `id` is where the fake keeps the external ID).
const PURGED: &[&str] = &[
    "phone",
    "email",
    "first_name",
    "last_name",
    "middle_name",
    "loyalty_id",
    "id",
];

/// The profile fields that find a profile, each indexed (see [`Index`]).
const IDENTIFIERS: [&str; 5] = ["email", "phone", "loyalty_id", "id", "telegram_id"];

/// Profile properties a device (no secret) does not get back from `get_profile`.
const PRIVATE: &[&str] = &[
    "email",
    "phone",
    "loyalty_id",
    "id",
    "first_name",
    "last_name",
    "birthday",
    "fb_id",
    "vk_id",
    "telegram_id",
    "google_advertising_id",
    "apple_advertising_id",
    "yandex_id",
    "additional_emails",
    "additional_phones",
    "additional_loyalty_ids",
    "orders",
];

#[derive(Debug)]
struct Shop {
    secret: String,
    custom: BTreeMap<String, CustomKind>,
}

#[derive(Debug, Default)]
struct Profile {
    shop: String,
    fields: Fields,
    custom: Map<String, Value>,
    orders: Vec<Order>,
    tags: Vec<String>,
    messages: Vec<(String, Value)>,
}

/// A profile's fields, sorted by name: a profile has a few, and a `Map` (a B-tree) would
/// take a node of eleven for them, most of a profile's memory under a bulk load.
#[derive(Debug, Default)]
struct Fields(Vec<(String, Value)>);

impl Fields {
    /// Sets a field, returning its old value.
    fn insert(&mut self, name: &str, value: Value) -> Option<Value> {
        match self.0.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (name.to_string(), value));
                None
            }
        }
    }

    fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self
            .0
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()?;
        Some(self.0.remove(at).1)
    }

    fn to_map(&self) -> Map<String, Value> {
        self.0.iter().cloned().collect()
    }
}

#[derive(Debug)]
struct Order {
    id: String,
    status: String,
    products: Vec<Value>,
}

/// Which profiles hold each value of each identifier, per shop, so that finding a profile
/// costs the same with a million profiles as with one. A value's profiles are kept in order,
/// and the first is the one found, as a scan of the profiles would: two profiles share a value
/// when a `set_profile` names identifiers of both (the one found first takes the other's too).
#[derive(Debug, Default)]
struct Index {
    shops: HashMap<String, [HashMap<String, Vec<usize>>; IDENTIFIERS.len()]>,
}

impl Index {
    fn first(&self, shop: &str, field: usize, value: &str) -> Option<usize> {
        self.shops.get(shop)?[field].get(value)?.first().copied()
    }

    fn add(&mut self, shop: &str, field: usize, value: String, profile: usize) {
        if !self.shops.contains_key(shop) {
            self.shops.insert(shop.to_string(), Default::default());
        }
        let Some(fields) = self.shops.get_mut(shop) else {
            return;
        };
        let holders = fields[field].entry(value).or_default();
        if let Err(at) = holders.binary_search(&profile) {
            holders.insert(at, profile);
        }
    }

    fn remove(&mut self, shop: &str, field: usize, value: &str, profile: usize) {
        let Some(values) = self.shops.get_mut(shop).map(|f| &mut f[field]) else {
            return;
        };
        if let Some(holders) = values.get_mut(value) {
            holders.retain(|&p| p != profile);
            if holders.is_empty() {
                values.remove(value);
            }
        }
    }
}

/// The text an identifier's value is found by: a string as it is, a number as written.
fn key(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Where `field` is in [`IDENTIFIERS`], if it is one.
fn identifier(field: &str) -> Option<usize> {
    IDENTIFIERS.iter().position(|&f| f == field)
}

/// How many requests a fake keeps by default.
pub(crate) const DEFAULT_RECORDED: usize = 10_000;

#[derive(Debug)]
pub(crate) struct Store {
    shops: BTreeMap<String, Shop>,
    profiles: Vec<Profile>,
    /// Kept in step with `profiles` by [`Store::set_field`] and [`Store::remove_field`], the
    /// only writers of a profile's fields.
    index: Index,
    /// Device IDs issued, and the profile each is bound to once it has one.
    devices: HashMap<String, Option<usize>>,
    next: u64,
    /// The newest requests, at most `record_limit` of them.
    requests: VecDeque<Recorded>,
    record_limit: usize,
    /// Requests received since the start or the last [`Store::clear_requests`], kept or not.
    requests_seen: u64,
    pub faults: VecDeque<Fault>,
}

impl Store {
    pub fn with_default_shop() -> Self {
        let mut store = Store {
            shops: BTreeMap::new(),
            profiles: Vec::new(),
            index: Index::default(),
            devices: HashMap::new(),
            next: 0,
            requests: VecDeque::new(),
            record_limit: DEFAULT_RECORDED,
            requests_seen: 0,
            faults: VecDeque::new(),
        };
        store.add_shop(DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET);
        for (name, kind) in [
            ("custom_string_property", CustomKind::String),
            ("custom_integer_property", CustomKind::Integer),
            ("custom_float_property", CustomKind::Float),
            ("custom_array_of_string_property", CustomKind::Strings),
            ("custom_json_property", CustomKind::Json),
            ("custom_date_property", CustomKind::Date),
        ] {
            store.define_custom(DEFAULT_SHOP_ID, name, kind);
        }
        store
    }

    pub fn add_shop(&mut self, shop_id: &str, secret: &str) {
        self.shops.insert(
            shop_id.to_string(),
            Shop {
                secret: secret.to_string(),
                custom: BTreeMap::new(),
            },
        );
    }

    pub fn define_custom(&mut self, shop_id: &str, name: &str, kind: CustomKind) {
        if let Some(shop) = self.shops.get_mut(shop_id) {
            shop.custom.insert(name.to_string(), kind);
        }
    }

    pub fn set_record_limit(&mut self, limit: usize) {
        self.record_limit = limit;
        while self.requests.len() > limit {
            self.requests.pop_front();
        }
    }

    /// Counts a request and keeps it, dropping the oldest kept one if the record is full. With
    /// recording off, the request is not even made.
    pub fn record(&mut self, request: impl FnOnce() -> Recorded) {
        self.requests_seen += 1;
        if self.record_limit == 0 {
            return;
        }
        if self.requests.len() >= self.record_limit {
            self.requests.pop_front();
        }
        self.requests.push_back(request());
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.iter().cloned().collect()
    }

    pub fn requests_seen(&self) -> u64 {
        self.requests_seen
    }

    pub fn clear_requests(&mut self) {
        self.requests.clear();
        self.requests_seen = 0;
    }

    /// The first injected fault for `path`, used up by one.
    pub fn take_fault(&mut self, path: &str) -> Option<FaultKind> {
        let i = self
            .faults
            .iter()
            .position(|f| f.path.as_deref().is_none_or(|p| p == path))?;
        let fault = &mut self.faults[i];
        let kind = fault.kind.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.faults.remove(i);
        }
        Some(kind)
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{:010}", self.next)
    }

    /// Unknown shops and wrong secrets.
    pub fn authenticate(
        &self,
        endpoint: &str,
        shop_id: &str,
        secret: Option<&str>,
    ) -> Result<(), Answer> {
        let Some(shop) = self.shops.get(shop_id) else {
            // The page documents 404 "The store isn't found" for these two.
            let status = if matches!(endpoint, "get_last_order_products" | "get_notifications") {
                404
            } else {
                403
            };
            return Err(Answer::error(
                status,
                "The store isn't found: unknown shop_id",
            ));
        };
        match secret {
            Some(s) if s != shop.secret => Err(Answer::error(
                403,
                "Authentication failed: wrong shop_secret",
            )),
            _ => Ok(()),
        }
    }

    pub fn handle(&mut self, req: &Checked<'_>) -> Answer {
        let shop = req.text("shop_id").unwrap_or_default();
        let result = match req.endpoint.name.wire() {
            "init" => Ok(self.init(req)),
            "set_profile" => self.set_profile(&shop, req),
            "get_profile" => self.get_profile(&shop, req),
            "get_last_order_products" => self.last_order(&shop, req),
            "get_notifications" => self.notifications(&shop, req),
            "force_change_email" => self.force_change(&shop, req, "email"),
            "force_change_phone" => self.force_change(&shop, req, "phone"),
            "force_change_id" => self.force_change_id(&shop, req),
            "purge_profile" => self.purge(&shop, req),
            other => Err(Answer::error(
                501,
                &format!("the fake does not implement {other}"),
            )),
        };
        result.unwrap_or_else(|answer| answer)
    }

    fn init(&mut self, req: &Checked<'_>) -> Answer {
        let did = match req.text("did") {
            Some(did) => did,
            None => self.fresh_id("did"),
        };
        self.devices.entry(did.clone()).or_insert(None);
        let seance = req.text("seance").unwrap_or_else(|| self.fresh_id("s"));
        Answer::ok(json!({
            "did": did,
            "seance": seance,
            "currency": "USD",
            "search_enabled": true,
        }))
    }

    /// The profile bound to a device: `Ok(None)` for a device without one yet.
    fn device(&self, did: &str) -> Result<Option<usize>, Answer> {
        self.devices
            .get(did)
            .copied()
            .ok_or_else(|| Answer::error(403, "Unknown did: get a device ID from /init"))
    }

    /// The first profile of `shop` whose `field` (one of [`IDENTIFIERS`]) is `value`.
    fn find(&self, shop: &str, field: &str, value: &str) -> Option<usize> {
        let Some(field) = identifier(field) else {
            debug_assert!(false, "`{field}` is not an indexed identifier");
            return None;
        };
        self.index.first(shop, field, value)
    }

    /// Sets a profile's field, keeping the index in step.
    fn set_field(&mut self, profile: usize, name: &str, value: Value) {
        let Some(p) = self.profiles.get_mut(profile) else {
            return;
        };
        let new = identifier(name).map(|field| (field, key(&value)));
        let old = p.fields.insert(name, value);
        if let Some((field, new)) = new {
            let shop = p.shop.clone();
            if let Some(old) = old.as_ref().and_then(key) {
                self.index.remove(&shop, field, &old, profile);
            }
            if let Some(new) = new {
                self.index.add(&shop, field, new, profile);
            }
        }
    }

    /// Removes a profile's field, keeping the index in step.
    fn remove_field(&mut self, profile: usize, name: &str) {
        let Some(p) = self.profiles.get_mut(profile) else {
            return;
        };
        let old = p.fields.remove(name);
        if let (Some(field), Some(old)) = (identifier(name), old.as_ref().and_then(key)) {
            let shop = p.shop.clone();
            self.index.remove(&shop, field, &old, profile);
        }
    }

    fn new_profile(&mut self, shop: &str) -> usize {
        self.profiles.push(Profile {
            shop: shop.to_string(),
            ..Profile::default()
        });
        self.profiles.len() - 1
    }

    fn set_profile(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        let definitions = self.shops.get(shop).map(|s| &s.custom);
        let mut problems = Vec::new();
        for (name, value) in &req.extra {
            match definitions.and_then(|d| d.get(name)) {
                None => problems.push(format!(
                    "custom property `{name}` is not defined for this shop (Account > Settings > Profile Property)"
                )),
                Some(kind) if !fits(*kind, value) => {
                    problems.push(format!("custom property `{name}` must be {kind:?}"))
                }
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            return Err(Answer::error(400, &problems.join("; ")));
        }
        let mut target = match req.text("did") {
            Some(did) => self.device(&did)?,
            None => None,
        };
        // An identifier another profile already has: this is that user.
        for field in ["email", "phone", "loyalty_id", "id", "telegram_id"] {
            if let Some(found) = req.text(field).and_then(|v| self.find(shop, field, &v)) {
                target = Some(found);
                break;
            }
        }
        let index = match target {
            Some(i) => i,
            None => self.new_profile(shop),
        };
        if let Some(did) = req.text("did") {
            self.devices.insert(did, Some(index));
        }
        for (name, value) in &req.values {
            if !SESSION_PARAMS.contains(&name.as_str()) {
                self.set_field(index, name, value.clone());
            }
        }
        let profile = &mut self.profiles[index];
        for (name, value) in &req.extra {
            profile.custom.insert(name.clone(), value.clone());
        }
        Ok(Answer::ok(json!({"status": "success", "payload": {}})))
    }

    fn get_profile(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        let full = req.values.contains_key("shop_secret");
        let index = match req.text("did") {
            Some(did) => self.device(&did)?,
            None => self
                .identified(shop, req)
                .map(Some)
                .ok_or_else(|| Answer::error(400, "Profile not found"))?,
        };
        let mut body = match index {
            Some(i) => self.render(i),
            None => json!({"has_email": false, "custom_properties": {}, "tags": []}),
        };
        if !full {
            if let Some(map) = body.as_object_mut() {
                map.retain(|k, _| !PRIVATE.contains(&k.as_str()));
            }
        }
        Ok(Answer::ok(body))
    }

    fn last_order(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        let index = match req.text("did") {
            Some(did) => self.device(&did)?,
            None if req.text("external_id").is_some() || req.text("telegram_id").is_some() => {
                self.identified(shop, req)
            }
            None => return Err(Answer::error(
                400,
                "`did`, `external_id` or `telegram_id` is required to find the user's last order",
            )),
        };
        let products = index
            .and_then(|i| self.profiles[i].orders.last())
            .map(|o| o.products.clone())
            .unwrap_or_default();
        Ok(Answer::ok(Value::Array(products)))
    }

    fn notifications(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        // `did` has priority over the other identifiers.
        let index = match req.text("did") {
            Some(did) => self.device(&did)?,
            None => [
                ("email", "email"),
                ("phone", "phone"),
                ("loyalty_id", "loyalty_id"),
                ("external_id", "id"),
            ]
            .iter()
            .find_map(|(param, field)| req.text(param).map(|v| self.find(shop, field, &v)))
            .flatten(),
        };
        let index = index.ok_or_else(|| Answer::error(404, "The profile isn't found"))?;
        let listed = |name: &str| -> Vec<String> {
            req.values
                .get(name)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (types, channels) = (listed("type"), listed("channel"));
        let from = req.text("date_from").unwrap_or_default();
        let limit = req
            .values
            .get("limit")
            .and_then(Value::as_u64)
            .unwrap_or(20) as usize;
        let page = req.values.get("page").and_then(Value::as_u64).unwrap_or(1) as usize;
        let mut messages: Vec<&Value> = self.profiles[index]
            .messages
            .iter()
            .filter(|(channel, m)| {
                let kind = m.get("type").and_then(Value::as_str).unwrap_or_default();
                let sent = m
                    .get("sent_at")
                    .or_else(|| m.get("date"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                // No type or channel asked for: every one (the unified docs' defaults).
                (channels.is_empty() || channels.contains(channel))
                    && (types.is_empty() || types.iter().any(|t| t == kind))
                    && sent.get(..10).unwrap_or(sent) >= from.as_str()
            })
            .map(|(_, m)| m)
            .collect();
        messages.sort_by_key(|m| {
            std::cmp::Reverse(
                m.get("sent_at")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            )
        });
        let page: Vec<Value> = messages
            .into_iter()
            .skip((page - 1).saturating_mul(limit))
            .take(limit)
            .cloned()
            .collect();
        Ok(Answer::ok(
            json!({"status": "success", "payload": {"messages": page}}),
        ))
    }

    fn force_change(
        &mut self,
        shop: &str,
        req: &Checked<'_>,
        field: &str,
    ) -> Result<Answer, Answer> {
        let old = req.text(&format!("old_{field}")).unwrap_or_default();
        let new = req.text(&format!("new_{field}")).unwrap_or_default();
        let index = self
            .find(shop, field, &old)
            .ok_or_else(|| Answer::error(404, &format!("The old {field} isn't found.")))?;
        if self
            .find(shop, field, &new)
            .is_some_and(|other| other != index)
        {
            return Err(Answer::error(
                400,
                &format!("The new {field} is already used by another profile."),
            ));
        }
        self.set_field(index, field, Value::String(new));
        Ok(Answer::success())
    }

    /// The profile the request's identifiers other than `did` select: the first of email,
    /// phone, loyalty_id, external_id (the profile's `id`) and telegram_id that finds one.
    fn identified(&self, shop: &str, req: &Checked<'_>) -> Option<usize> {
        [
            ("email", "email"),
            ("phone", "phone"),
            ("loyalty_id", "loyalty_id"),
            ("external_id", "id"),
            ("telegram_id", "telegram_id"),
        ]
        .iter()
        .find_map(|(param, field)| req.text(param).and_then(|v| self.find(shop, field, &v)))
    }

    /// "Forced External ID Change": the profile with the old ID takes the new one; a profile
    /// that had the new ID loses it (the unified docs' semantics, unlike email and phone, where
    /// a new value in use is refused).
    fn force_change_id(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        let old = req.text("old_external_id").unwrap_or_default();
        let new = req.text("new_external_id").unwrap_or_default();
        let index = self
            .find(shop, "id", &old)
            .ok_or_else(|| Answer::error(404, "Profile with `old_external_id` not found"))?;
        if let Some(other) = self.find(shop, "id", &new).filter(|&o| o != index) {
            self.remove_field(other, "id");
        }
        self.set_field(index, "id", Value::String(new));
        Ok(Answer::success())
    }

    /// "Erase Personal Data": the profile stays (its orders, messages and devices are behaviour,
    /// not identity), without the personal data the unified docs list.
    fn purge(&mut self, shop: &str, req: &Checked<'_>) -> Result<Answer, Answer> {
        let index = self.identified(shop, req).ok_or_else(|| Answer {
            status: 404,
            body: json!({"status": "error", "payload": {"message": "Profile not found"}}),
        })?;
        for field in PURGED {
            self.remove_field(index, field);
        }
        self.profiles[index].custom.clear();
        Ok(Answer::success())
    }

    /// A profile as `get_profile` returns it to a server.
    fn render(&self, index: usize) -> Value {
        let p = &self.profiles[index];
        let mut out = p.fields.to_map();
        let gender = out.get("gender").cloned().unwrap_or(Value::Null);
        out.insert("computed_gender".into(), gender);
        out.insert("has_email".into(), Value::Bool(out.contains_key("email")));
        out.insert("custom_properties".into(), Value::Object(p.custom.clone()));
        out.insert("tags".into(), json!(p.tags));
        for list in [
            "additional_emails",
            "additional_phones",
            "additional_loyalty_ids",
        ] {
            out.insert(list.into(), json!([]));
        }
        let orders: Vec<Value> = p
            .orders
            .iter()
            .map(|o| {
                let items: Vec<Value> = o
                    .products
                    .iter()
                    .map(|item| {
                        json!({
                            "id": item.get("id"),
                            "name": item.get("name"),
                            "price": item.get("price"),
                            "quantity": item.get("quantity").cloned().unwrap_or(json!(1)),
                        })
                    })
                    .collect();
                let value: f64 = items
                    .iter()
                    .map(|i| {
                        i["price"].as_f64().unwrap_or(0.0) * i["quantity"].as_f64().unwrap_or(1.0)
                    })
                    .sum();
                json!({"id": o.id, "status": o.status, "value": value, "items": items})
            })
            .collect();
        out.insert("orders".into(), Value::Array(orders));
        Value::Object(out)
    }

    /// The profile `who` names, created if there is none.
    fn profile_of(&mut self, shop: &str, who: &Who) -> usize {
        let (field, value) = match who {
            Who::Did(did) => {
                if let Some(Some(i)) = self.devices.get(did) {
                    return *i;
                }
                let i = self.new_profile(shop);
                self.devices.insert(did.clone(), Some(i));
                return i;
            }
            Who::Email(v) => ("email", v),
            Who::Phone(v) => ("phone", v),
            Who::LoyaltyId(v) => ("loyalty_id", v),
            Who::ExternalId(v) => ("id", v),
        };
        if let Some(i) = self.find(shop, field, value) {
            return i;
        }
        let i = self.new_profile(shop);
        self.set_field(i, field, Value::String(value.clone()));
        i
    }

    pub fn add_order(
        &mut self,
        shop: &str,
        who: &Who,
        id: &str,
        status: &str,
        products: Vec<Value>,
    ) {
        let i = self.profile_of(shop, who);
        self.profiles[i].orders.push(Order {
            id: id.to_string(),
            status: status.to_string(),
            products,
        });
    }

    pub fn add_message(&mut self, shop: &str, who: &Who, channel: &str, message: Value) {
        let i = self.profile_of(shop, who);
        self.profiles[i]
            .messages
            .push((channel.to_string(), message));
    }

    pub fn add_tag(&mut self, shop: &str, who: &Who, tag: &str) {
        let i = self.profile_of(shop, who);
        self.profiles[i].tags.push(tag.to_string());
    }

    pub fn profile_json(&mut self, shop: &str, who: &Who) -> Option<Value> {
        let index = match who {
            Who::Did(did) => self.devices.get(did).copied().flatten(),
            Who::Email(v) => self.find(shop, "email", v),
            Who::Phone(v) => self.find(shop, "phone", v),
            Who::LoyaltyId(v) => self.find(shop, "loyalty_id", v),
            Who::ExternalId(v) => self.find(shop, "id", v),
        }?;
        Some(self.render(index))
    }
}

/// Whether a custom property's value has the type its definition says.
fn fits(kind: CustomKind, v: &Value) -> bool {
    match kind {
        CustomKind::String => v.is_string(),
        CustomKind::Integer => v.is_i64() || v.is_u64(),
        CustomKind::Float => v.is_number(),
        CustomKind::Strings => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        CustomKind::Json => true,
        CustomKind::Date => v.as_str().is_some_and(|s| Format::DateTime.matches(s)),
    }
}
