//! `drift`: the saved pages against the schema, and edited copies of them, one per kind of
//! finding; pages that cannot be read; the reports; the binary's exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

use personaclick_codegen::diff::Class;
use personaclick_codegen::drift::{self, report, Finding, Page};
use personaclick_codegen::inspect::{inspect, Inspected};
use personaclick_codegen::{read_dir, SourceFile};

const ENGLISH: &str = "../pages/personaclick-profile-api.txt";
const UNIFIED: &str = "../pages/unified";

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_files() -> Vec<SourceFile> {
    read_dir(&manifest().join("../schema")).expect("read schema/")
}

fn api() -> Inspected {
    inspect(&schema_files()).expect("schema/ is valid")
}

fn english_text() -> String {
    std::fs::read_to_string(manifest().join(ENGLISH)).expect("read the saved English page")
}

fn read(file: &str, text: &str, api: &Inspected) -> Page {
    drift::read_page(file, text.as_bytes(), api)
        .unwrap_or_else(|e| panic!("{file} should read: {e}"))
}

fn findings_for(file: &str, text: &str) -> (Page, Vec<Finding>) {
    let api = api();
    let page = read(file, text, &api);
    let findings = drift::compare(std::slice::from_ref(&page), &api);
    (page, findings)
}

fn unexplained(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.explained.is_none()).collect()
}

/// The page with `old` replaced by `new`; `old` must be on it exactly once, so that a change
/// of the saved page fails here rather than silently testing nothing.
fn edited(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "{old:?} should be on the saved page exactly once"
    );
    text.replacen(old, new, 1)
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on the page"))
        + 1
}

/// The only unexplained finding of an edited English page (every other difference is one the
/// schema explains).
fn only_new(text: &str) -> Finding {
    let (page, findings) = findings_for("edited.txt", text);
    assert!(page.unread.is_empty(), "{:?}", page.unread);
    let open = unexplained(&findings);
    assert_eq!(open.len(), 1, "{open:#?}");
    open[0].clone()
}

fn id(f: &Finding) -> String {
    f.id()
}

#[test]
fn the_english_page_has_no_unexplained_finding() {
    let text = english_text();
    let (page, findings) = findings_for(ENGLISH, &text);
    assert!(page.unread.is_empty(), "{:?}", page.unread);
    assert_eq!(page.endpoints.len(), 6);
    assert!(
        unexplained(&findings).is_empty(),
        "{:#?}",
        unexplained(&findings)
    );
    // What the schema departs from on purpose: each with its record and note.
    let explained: Vec<String> = findings.iter().map(id).collect();
    insta::assert_snapshot!("english_explained", explained.join("\n"));
    for f in &findings {
        let (path, at) = f
            .schema
            .as_ref()
            .expect("an explained finding names its schema item");
        assert!(at.starts_with("schema/"), "{path} at {at}");
        assert!(f.page_at.line >= 1, "{f:?}");
    }
}

#[test]
fn every_operation_of_the_english_page_is_read_whole() {
    let api = api();
    let page = read(ENGLISH, &english_text(), &api);
    let set = &page.endpoints[0];
    assert_eq!(
        (set.method.as_str(), set.path.as_str()),
        ("POST", "/profile/set")
    );
    assert!(set.uses_shared && set.additional.is_some());
    let names: Vec<&str> = set.params.iter().map(|p| p.name.as_str()).collect();
    for name in [
        "email",
        "first_name",
        "id",
        "age",
        "auto",
        "kids",
        "loyalty_bonuses",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let shared: Vec<&str> = page.shared.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        shared,
        [
            "shop_id",
            "shop_secret",
            "did",
            "seance",
            "segment",
            "referer"
        ]
    );
    let codes: Vec<u16> = page.endpoints[1].statuses.iter().map(|s| s.code).collect();
    assert_eq!(codes, [200, 400, 403]);
    // Bullets nest: orders[].items[].price.
    let orders = page.endpoints[1]
        .fields
        .iter()
        .find(|f| f.name == "orders")
        .expect("orders");
    let items = orders
        .children
        .iter()
        .find(|f| f.name == "items")
        .expect("items");
    assert!(items.children.iter().any(|f| f.name == "price"));
}

// One edited copy of the page per kind of finding.

#[test]
fn a_new_parameter_row_is_an_addition_with_its_yaml() {
    let text = edited(
        &english_text(),
        "last_namestringoptionallyUser Surname.\n",
        "last_namestringoptionallyUser Surname.\nnicknamestringoptionallyThe name the user goes by.\n",
    );
    // What "Update User Profile" saves, "Read User Profile" reads: a field too.
    let (_, findings) = findings_for("edited.txt", &text);
    let open = unexplained(&findings);
    let ids: Vec<String> = open.iter().map(|f| id(f)).collect();
    assert_eq!(
        ids,
        [
            "param_added POST /profile/set params.nickname",
            "field_added GET /profile response.nickname"
        ]
    );
    let f = open[0].clone();
    assert_eq!(f.class, Class::Compatible);
    assert_eq!(f.page_at.line, line_of(&text, "nicknamestring"));
    let snippet = f.snippet.expect("an addition has a snippet");
    assert!(
        snippet.starts_with("nickname:\n  type: string\n"),
        "{snippet}"
    );
    assert!(
        snippet.contains("description: \"The name the user goes by.\""),
        "{snippet}"
    );
}

#[test]
fn a_required_new_parameter_is_breaking() {
    let text = edited(
        &english_text(),
        "loyalty_idstringrequiredUser Loyalty Card ID\n",
        "loyalty_idstringrequiredUser Loyalty Card ID\nregionstringrequiredThe user's region\n",
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "param_added GET /profile params.region");
    assert_eq!(f.class, Class::Breaking);
    assert!(f.snippet.unwrap().contains("required: true"));
}

#[test]
fn a_parameter_turned_required_is_a_requirement_change() {
    let text = edited(
        &english_text(),
        "last_namestringoptionallyUser Surname.",
        "last_namestringrequiredUser Surname.",
    );
    let f = only_new(&text);
    assert_eq!(
        id(&f),
        "requirement_changed POST /profile/set params.last_name"
    );
    assert_eq!(f.class, Class::Breaking);
    assert_eq!(f.page_says, "required");
    let (path, at) = f.schema.expect("the schema item");
    assert_eq!(path, "endpoints.set_profile.params.last_name");
    assert!(at.starts_with("schema/profile.yaml:"), "{at}");
}

#[test]
fn a_group_member_turned_optional_is_a_requirement_change() {
    let text = edited(
        &english_text(),
        "didstringany of the listed are required",
        "didstringoptionally",
    );
    let (_, findings) = findings_for("edited.txt", &text);
    let ids: Vec<String> = unexplained(&findings).into_iter().map(id).collect();
    assert!(
        ids.contains(&"requirement_changed GET /notifications params.did".to_string()),
        "{ids:?}"
    );
}

#[test]
fn another_type_word_is_a_type_change() {
    let text = edited(
        &english_text(),
        "has_emailbooleanIt shows",
        "has_emailstringIt shows",
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "type_changed GET /profile response.has_email");
    assert_eq!(f.class, Class::Breaking);
    assert_eq!(f.page_says, "string");
    assert!(f.message.contains("a boolean"), "{}", f.message);
}

#[test]
fn a_dropped_field_is_a_removal() {
    let text = edited(
        &english_text(),
        "computed_genderstringThe calculated value of gender is based on the user's interaction with the products.\n",
        "",
    );
    let f = only_new(&text);
    assert_eq!(
        id(&f),
        "field_removed GET /profile response.computed_gender"
    );
    assert_eq!(f.class, Class::Breaking);
    assert!(f.schema.unwrap().0.ends_with(".fields.computed_gender"));
}

#[test]
fn a_dropped_nested_field_is_a_removal_at_its_depth() {
    let text = edited(
        &english_text(),
        "    • quantity -\u{a0}Product Quantity\n",
        "",
    );
    let f = only_new(&text);
    assert_eq!(
        id(&f),
        "field_removed GET /profile response.orders[].items[].quantity"
    );
}

#[test]
fn a_dropped_parameter_is_a_removal() {
    let text = edited(&english_text(), "pagenumberoptionallyPage number", "");
    let (_, findings) = findings_for("edited.txt", &text);
    let ids: Vec<String> = unexplained(&findings).into_iter().map(id).collect();
    assert_eq!(ids, ["param_removed GET /notifications params.page"]);
}

#[test]
fn a_renamed_looking_parameter_is_reported_once_as_renamed() {
    let text = edited(
        &english_text(),
        "loyalty_idstringrequiredUser Loyalty Card ID",
        "loyalty_card_idstringrequiredUser Loyalty Card ID",
    );
    let (_, findings) = findings_for("edited.txt", &text);
    let open = unexplained(&findings);
    let ids: Vec<String> = open.iter().map(|f| id(f)).collect();
    assert_eq!(
        ids,
        ["param_renamed GET /profile params.loyalty_card_id"],
        "{open:#?}"
    );
    assert_eq!(open[0].class, Class::Breaking);
    assert_eq!(
        open[0].schema.as_ref().unwrap().0,
        "endpoints.get_profile.params.loyalty_id"
    );
}

#[test]
fn a_new_enum_value_is_an_addition() {
    let text = edited(
        &english_text(),
        "  • bulk\n  • chain\n  • transactional\n",
        "  • bulk\n  • chain\n  • transactional\n  • reminder\n",
    );
    let (_, findings) = findings_for("edited.txt", &text);
    let open = unexplained(&findings);
    let ids: Vec<String> = open.iter().map(|f| id(f)).collect();
    let added = "enum_value_added GET /notifications params.type=reminder";
    let f = open.iter().find(|f| id(f) == added).expect(added);
    assert_eq!(f.class, Class::Compatible);
    // The record said the page lists exactly bulk, chain and transactional: it no longer
    // does, so what it explained is back for review.
    assert!(
        ids.contains(&"enum_value_removed GET /notifications params.type=trigger".to_string()),
        "{ids:?}"
    );
}

#[test]
fn a_new_status_is_an_addition_and_a_dropped_one_a_removal() {
    let text = edited(
        &english_text(),
        "403\u{a0}ForbiddenSee the \"message\" property of the API response for details.\n\nAPI Response Data\n\nAll properties",
        "403\u{a0}ForbiddenSee the \"message\" property of the API response for details.\n429 Too Many RequestsSlow down.\n\nAPI Response Data\n\nAll properties",
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "status_added GET /profile statuses.429");
    assert_eq!(f.page_says, "429: Slow down.");
    let text = edited(&english_text(), "404 Not FoundThe store isn't found.\n", "");
    let f = only_new(&text);
    assert_eq!(
        id(&f),
        "status_removed GET /orders/last_for_user statuses.404"
    );
}

#[test]
fn a_new_description_is_a_description_change() {
    let text = edited(
        &english_text(),
        "last_namestringoptionallyUser Surname.",
        "last_namestringoptionallyThe user's family name.",
    );
    let (_, findings) = findings_for("edited.txt", &text);
    let open = unexplained(&findings);
    let ids: Vec<String> = open.iter().map(|f| id(f)).collect();
    assert_eq!(
        ids,
        [
            "description_changed POST /profile/set params.last_name",
            "description_changed GET /profile response.last_name"
        ]
    );
    assert_eq!(open[0].page_says, "The user's family name.");
}

#[test]
fn a_deprecation_is_reported() {
    let text = edited(
        &english_text(),
        "last_namestringoptionallyUser Surname.",
        "last_namestringoptionallyUser Surname. Deprecated: use full_name.",
    );
    let (_, findings) = findings_for("edited.txt", &text);
    let ids: Vec<String> = unexplained(&findings).into_iter().map(id).collect();
    assert!(
        ids.contains(&"deprecated POST /profile/set params.last_name".to_string()),
        "{ids:?}"
    );
}

/// A section for a new operation, in the page's layout.
fn section(title: &str, method: &str, path: &str) -> String {
    DELETE_SECTION
        .replace("Unsubscribe User", title)
        .replace("/profile/unsubscribeDELETE", &format!("{path}{method}"))
        .replace(
            "-X DELETE https://api.personaclick.com/profile/unsubscribe",
            &format!("-X {method} https://api.personaclick.com{path}"),
        )
}

const DELETE_SECTION: &str = "Unsubscribe User

Method Objective

The method unsubscribes the user from every mailing.

Request

EndpointRequest TypeContent-Type
https://api.personaclick.com/profile/unsubscribeDELETEapplication/json

Parameters

See \"Basic Details\" above for more information on required parameters and the API endpoint.

NameTypeRequirementDescription
emailstringoptionallyUser Email

API Response Code

HTTP status code

Description
200 OK

The request was successful.

API Response Data

NameTypeDescription
statusstringCurrent status

Request Example

curl -X DELETE https://api.personaclick.com/profile/unsubscribe

";

#[test]
fn a_new_section_is_an_endpoint_addition_with_its_yaml() {
    let text = edited(
        &english_text(),
        "Forced Email Change\n",
        &format!("{DELETE_SECTION}Forced Email Change\n"),
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "endpoint_added DELETE /profile/unsubscribe");
    assert_eq!(f.page_at.line, line_of(&text, "/profile/unsubscribeDELETE"));
    let snippet = f.snippet.unwrap();
    assert!(snippet.starts_with("profile_unsubscribe:\n"), "{snippet}");
    assert!(
        snippet.contains("  method: DELETE\n  path: /profile/unsubscribe\n"),
        "{snippet}"
    );
    // What the page shares with the other operations is included, not repeated.
    assert!(snippet.contains("  include: [basic]\n"), "{snippet}");
    assert!(!snippet.contains("shop_id"), "{snippet}");
}

#[test]
fn a_moved_path_is_an_endpoint_move() {
    let text = edited(
        &english_text(),
        "https://api.personaclick.com/orders/last_for_userGET",
        "https://api.personaclick.com/client/orders/last_for_userGET",
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "endpoint_moved GET /client/orders/last_for_user");
    assert_eq!(f.schema.unwrap().0, "endpoints.get_last_order_products");
}

#[test]
fn a_section_gone_from_a_whole_page_is_an_endpoint_removal() {
    let text = english_text();
    let start = text
        .find("Get Last Order Products\n\nMethod Objective")
        .unwrap();
    let end = text.find("Get Last Messages\n\nMethod Objective").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let f = only_new(&text);
    assert_eq!(id(&f), "endpoint_removed GET /orders/last_for_user");
    assert_eq!(f.class, Class::Breaking);
}

// What adding takes: the snippets paste into the schema as they are.

/// The schema with `yaml` (indented by `indent`) inserted after the first line that is
/// `after`, following the line `anchor`.
fn schema_with(
    file: &str,
    anchor: &str,
    after: &str,
    yaml: &str,
    indent: usize,
) -> Vec<SourceFile> {
    let mut files = schema_files();
    let source = files.iter_mut().find(|f| f.name == file).expect(file);
    let from = source.text.find(anchor).expect(anchor);
    let at = from + source.text[from..].find(after).expect(after) + after.len();
    let pad = " ".repeat(indent);
    let block: String = yaml.lines().map(|l| format!("{pad}{l}\n")).collect();
    source.text.insert_str(at, &block);
    files
}

#[test]
fn the_snippets_paste_into_the_schema_and_explain_themselves_away() {
    // A parameter, under the operation's params.
    let text = edited(
        &english_text(),
        "loyalty_idstringrequiredUser Loyalty Card ID\n",
        "loyalty_idstringrequiredUser Loyalty Card ID\nregionstringoptionallyThe user's region\n",
    );
    let f = only_new(&text);
    let files = schema_with(
        "schema/profile.yaml",
        "  get_profile:",
        "    params:\n",
        f.snippet.as_deref().unwrap(),
        6,
    );
    let pasted = inspect(&files).unwrap_or_else(|d| panic!("{d}"));
    let page = read("edited.txt", &text, &pasted);
    let open = drift::compare(&[page], &pasted);
    assert!(unexplained(&open).is_empty(), "{:#?}", unexplained(&open));

    // A response field, under the object's fields.
    let text = edited(
        &english_text(),
        "has_emailbooleanIt shows",
        "has_phonebooleanIt shows whether the profile has a phone or not.\nhas_emailbooleanIt shows",
    );
    let f = only_new(&text);
    assert_eq!(id(&f), "field_added GET /profile response.has_phone");
    let (_, at) = f.schema.clone().unwrap();
    let file = at.split(':').next().unwrap().to_string();
    let files = schema_with(
        &file,
        "  Profile:",
        "    fields:\n",
        f.snippet.as_deref().unwrap(),
        6,
    );
    let pasted = inspect(&files).unwrap_or_else(|d| panic!("{d}"));
    let page = read("edited.txt", &text, &pasted);
    let open = drift::compare(&[page], &pasted);
    let ids: Vec<String> = unexplained(&open).into_iter().map(id).collect();
    assert!(ids.is_empty(), "{ids:?}");

    // An operation, as a file of its own.
    let text = edited(
        &english_text(),
        "Forced Email Change\n",
        &format!(
            "{}Forced Email Change\n",
            section("Merge User Profiles", "POST", "/profile/merge")
        ),
    );
    let f = only_new(&text);
    let mut files = schema_files();
    let snippet: String = f
        .snippet
        .unwrap()
        .lines()
        .map(|l| format!("  {l}\n"))
        .collect();
    files.push(SourceFile {
        name: "schema/added.yaml".into(),
        text: format!("endpoints:\n{snippet}"),
    });
    let pasted = inspect(&files).unwrap_or_else(|d| panic!("{d}"));
    assert!(pasted
        .model
        .endpoints
        .iter()
        .any(|e| e.path == "/profile/merge"));
    let page = read("edited.txt", &text, &pasted);
    let open = drift::compare(&[page], &pasted);
    let ids: Vec<String> = unexplained(&open).into_iter().map(id).collect();
    assert!(ids.is_empty(), "{ids:?}");
}

// Pages that cannot be read.

fn read_err(file: &str, bytes: &[u8]) -> String {
    match drift::read_page(file, bytes, &api()) {
        Ok(page) => panic!(
            "{file} should not read: {} operations",
            page.endpoints.len()
        ),
        Err(e) => {
            assert!(e.contains(file), "the error names the page: {e}");
            e
        }
    }
}

#[test]
fn an_empty_binary_or_unrelated_page_is_an_error_naming_why() {
    assert!(read_err("empty.txt", b"").contains("is empty"));
    assert!(read_err("blank.txt", b" \n\t\n").contains("is empty"));
    assert!(read_err("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").contains("not text"));
    assert!(read_err("latin1.txt", b"User Profile caf\xe9\n").contains("not UTF-8"));
    let cargo = std::fs::read(manifest().join("Cargo.toml")).unwrap();
    assert!(read_err("Cargo.toml", &cargo).contains("not a PersonaClick reference page"));
    let md = b"Some notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    assert!(read_err("notes.md", md).contains("not a unified docs page"));
}

#[test]
fn a_page_cut_short_is_an_error_or_reads_without_a_panic() {
    let text = english_text();
    let mut errors = 0;
    let mut cuts = 0;
    for cut in (1..text.len()).step_by(97) {
        let Some(head) = text.get(..cut) else {
            continue;
        };
        cuts += 1;
        match drift::read_page("cut.txt", head.as_bytes(), &api()) {
            Ok(page) => {
                // Read: then what it lacks shows as findings, never as a panic.
                let _ = drift::compare(&[page], &api());
            }
            Err(e) => {
                errors += 1;
                assert!(e.starts_with("cut.txt"), "{e}");
            }
        }
    }
    // Every cut inside an operation is caught: only a cut between two operations (or before
    // the first) reads.
    assert!(
        errors * 10 >= cuts * 8,
        "{errors} of {cuts} cuts were errors"
    );
    let cut = &text[..text
        .find("API Response Data\n\nThe response is JSON type")
        .unwrap()];
    let e = read_err("cut.txt", cut.as_bytes());
    assert!(
        e.contains("looks cut short") && e.contains("API Response Data"),
        "{e}"
    );
}

#[test]
fn an_edited_page_with_bytes_flipped_never_panics() {
    let text = english_text().into_bytes();
    let api = api();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut bytes = text.clone();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % bytes.len() as u64) as usize;
            bytes[at] = (state >> 32) as u8 & 0x7f;
        }
        if let Ok(page) = drift::read_page("mutated.txt", &bytes, &api) {
            let findings = drift::compare(std::slice::from_ref(&page), &api);
            let _ = report::text(std::slice::from_ref(&page), &findings);
            let _ = report::json(std::slice::from_ref(&page), &findings);
        }
    }
}

#[test]
fn a_markdown_page_cut_inside_a_code_block_is_an_error() {
    let text = std::fs::read_to_string(manifest().join(UNIFIED).join("profile_get.md")).unwrap();
    let cut = &text[..text.find("\"email\"").expect("an example")];
    assert!(read_err("cut.md", cut.as_bytes()).contains("looks cut short"));
}

// The unified pages.

fn unified() -> (Vec<Page>, Vec<Finding>) {
    let api = api();
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest().join(UNIFIED))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("README.md"))
        .collect();
    files.sort();
    let pages: Vec<Page> = files
        .iter()
        .map(|p| {
            let name = format!("pages/unified/{}", p.file_name().unwrap().to_string_lossy());
            read(&name, &std::fs::read_to_string(p).unwrap(), &api)
        })
        .collect();
    let findings = drift::compare(&pages, &api);
    (pages, findings)
}

#[test]
fn a_new_row_in_a_unified_table_is_an_addition() {
    let path = manifest().join(UNIFIED).join("profile_get.md");
    let text = std::fs::read_to_string(path).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("| email"))
        .expect("an email row");
    let text = edited(
        &text,
        row,
        &format!("{row}\n| region | Нет | Регион пользователя |"),
    );
    let api = api();
    let page = read("profile_get.md", &text, &api);
    let findings = drift::compare(&[page], &api);
    let f = findings
        .iter()
        .find(|f| f.subject == "params.region")
        .expect("the new row is found");
    assert_eq!(f.kind, "param_added");
    let snippet = f.snippet.as_deref().unwrap();
    // A Russian description is not pasted as ours: the snippet asks for one in English.
    assert!(
        snippet.contains("TODO: in English") && snippet.contains("Регион"),
        "{snippet}"
    );
}

#[test]
fn the_unified_pages_against_the_schema() {
    let (pages, findings) = unified();
    // The schema adopted what the unified docs add, and records where it departs from them.
    assert!(
        unexplained(&findings).is_empty(),
        "{:#?}",
        unexplained(&findings)
    );
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} [{}]{}",
                f.id(),
                f.class.as_str(),
                if f.explained.is_some() {
                    " explained"
                } else {
                    ""
                }
            )
        })
        .collect();
    let unread: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.unread)
        .map(|(at, why)| format!("unreadable {at}: {why}"))
        .collect();
    insta::assert_snapshot!(
        "unified",
        format!("{}\n{}", unread.join("\n"), lines.join("\n"))
    );
}

// Reports.

/// The English page with four changes: a parameter added, one made required, a status added,
/// an operation added.
fn edited_page() -> String {
    let text = english_text();
    let text = edited(
        &text,
        "last_namestringoptionallyUser Surname.\n",
        "last_namestringrequiredUser Surname.\nnicknamestringoptionallyThe name the user goes by.\n",
    );
    let text = edited(
        &text,
        "403\u{a0}ForbiddenSee the \"message\" property of the API response for details.\n\nAPI Response Data\n\nAll properties",
        "403\u{a0}ForbiddenSee the \"message\" property of the API response for details.\n429 Too Many RequestsSlow down.\n\nAPI Response Data\n\nAll properties",
    );
    edited(
        &text,
        "Forced Email Change\n",
        &format!("{DELETE_SECTION}Forced Email Change\n"),
    )
}

#[test]
fn the_text_and_markdown_reports() {
    let (page, findings) = findings_for("edited.txt", &edited_page());
    let pages = [page];
    insta::assert_snapshot!("report_text", report::text(&pages, &findings));
    insta::assert_snapshot!("report_markdown", report::markdown(&pages, &findings));
}

#[test]
fn the_json_report_has_ids_and_fingerprints_that_survive_rewording() {
    let (page, findings) = findings_for("edited.txt", &edited_page());
    let json = report::json(&[page], &findings);
    assert!(
        json.contains("\"id\": \"param_added POST /profile/set params.nickname\""),
        "{json}"
    );
    assert!(json.contains("\"unexplained\": 5"), "{json}");
    let fingerprint = |text: &str| {
        let (_, findings) = findings_for("edited.txt", text);
        findings
            .iter()
            .find(|f| f.subject == "params.nickname")
            .expect("nickname")
            .fingerprint()
    };
    let reworded = edited(
        &format!("\n\n{}", edited_page()),
        "nicknamestringoptionallyThe name the user goes by.",
        "nicknamestringoptionallyWhat the user likes to be called.",
    );
    assert_eq!(fingerprint(&edited_page()), fingerprint(&reworded));
    assert_eq!(fingerprint(&edited_page()).len(), 16);
}

// The binary.

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_personaclick-codegen"))
        .args(args)
        .current_dir(manifest().join(".."))
        .output()
        .expect("run personaclick-codegen")
}

fn scratch(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("drift");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

#[test]
fn drift_exits_by_the_worst_unexplained_finding() {
    let clean = run(&["drift", "pages/personaclick-profile-api.txt"]);
    assert_eq!(
        code(&clean),
        0,
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(String::from_utf8_lossy(&clean.stdout)
        .starts_with("pages/personaclick-profile-api.txt: 0 unexplained findings (0 breaking), "));

    let compatible = scratch(
        "compatible.txt",
        &edited(
            &english_text(),
            "last_namestringoptionallyUser Surname.\n",
            "last_namestringoptionallyUser Surname.\nnicknamestringoptionallyThe name the user goes by.\n",
        ),
    );
    assert_eq!(code(&run(&["drift", &compatible])), 0);
    assert_eq!(code(&run(&["drift", "--fail-on", "any", &compatible])), 1);
    let breaking = scratch("breaking.txt", &edited_page());
    assert_eq!(code(&run(&["drift", &breaking])), 1);
    assert_eq!(code(&run(&["drift", "--fail-on=none", &breaking])), 0);

    let json = run(&["drift", "--format", "json", &breaking]);
    assert!(String::from_utf8_lossy(&json.stdout).contains("\"fingerprint\""));
    let md = run(&["drift", "--format", "markdown", &breaking]);
    assert!(String::from_utf8_lossy(&md.stdout).starts_with("## Docs drift"));
}

#[test]
fn drift_reads_a_directory_of_pages() {
    let o = run(&["drift", "--fail-on", "none", "pages/unified"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("pages/unified/client-orders_last.md, "),
        "{out}"
    );
    assert!(!out.lines().next().unwrap().contains("README.md"));
}

#[test]
fn drift_usage_and_unreadable_pages_exit_2() {
    let empty = scratch("empty.txt", "");
    for (args, says) in [
        (vec!["drift"], "drift needs a page"),
        (vec!["drift", "no/such/page.txt"], "no such file"),
        (vec!["drift", &empty], "is empty"),
        (
            vec![
                "drift",
                "--format",
                "yaml",
                ENGLISH.trim_start_matches("../"),
            ],
            "unknown format",
        ),
        (
            vec![
                "drift",
                "--fail-on",
                "some",
                ENGLISH.trim_start_matches("../"),
            ],
            "unknown --fail-on",
        ),
        (
            vec![
                "drift",
                "--schema",
                "pages",
                ENGLISH.trim_start_matches("../"),
            ],
            "no *.yaml schema files",
        ),
    ] {
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let cut = english_text();
    let cut = scratch("cut.txt", &cut[..cut.len() * 2 / 3]);
    let o = run(&["drift", &cut]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("looks cut short") && !err.contains("for usage"),
        "{err}"
    );
}
