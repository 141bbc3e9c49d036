//! Broken configurations fail with the file and the key named; the shipped example files load.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use orderbridge::config::Config;

const VALID_CONNECTION: &str = r#"
[marketplace]
kind = "bol"
client_id = "id"
client_secret = "secret"

[webshop]
kind = "woocommerce"
base_url = "https://shop.example.nl"
consumer_key = "ck_1"
consumer_secret = "cs_1"
"#;

fn write(dir: &Path, main: &str, connection: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("connections")).unwrap();
    std::fs::write(dir.join("orderbridge.toml"), main).unwrap();
    std::fs::write(dir.join("connections/shop.toml"), connection).unwrap();
    dir.join("orderbridge.toml")
}

#[test]
fn a_minimal_configuration_loads_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&write(dir.path(), "", VALID_CONNECTION)).unwrap();
    assert_eq!(config.connections.len(), 1);
    let connection = &config.connections[0];
    assert_eq!(connection.name, "shop");
    assert_eq!(connection.schedule.import_interval_secs, 300);
    assert_eq!(connection.tracking_wait().as_secs(), 3 * 3600);
    assert_eq!(
        connection.labels.policy(),
        orderbridge::engine::LabelPolicy::Off,
        "labels are charged: bought only when asked for"
    );
    assert!(config.database_location().ends_with("orderbridge.db"));
}

#[test]
fn buying_labels_is_switched_on_with_a_choice() {
    use orderbridge::engine::{LabelChoice, LabelPolicy};
    let dir = tempfile::tempdir().unwrap();
    let connection = format!("{VALID_CONNECTION}\n[labels]\nbuy = true\nchoose = \"cheapest\"\n");
    let config = Config::load(&write(dir.path(), "", &connection)).unwrap();
    assert_eq!(
        config.connections[0].labels.policy(),
        LabelPolicy::Buy(LabelChoice::Cheapest)
    );
}

#[test]
fn woocommerce_ean_meta_keys_and_unmanaged_stock_load() {
    let dir = tempfile::tempdir().unwrap();
    let connection = VALID_CONNECTION.replace(
        "consumer_secret = \"cs_1\"",
        "consumer_secret = \"cs_1\"\nean_meta_keys = [\"_my_ean\"]\nunmanaged_in_stock = 5",
    );
    let config = Config::load(&write(dir.path(), "", &connection)).unwrap();
    let orderbridge::config::WebshopSettings::Woocommerce(woo) = &config.connections[0].webshop
    else {
        panic!(
            "not a WooCommerce section: {:?}",
            config.connections[0].webshop
        );
    };
    assert_eq!(woo.ean_meta_keys, vec!["_my_ean"]);
    assert_eq!(
        woo.unmanaged_in_stock,
        orderbridge_woocommerce::UnmanagedInStock::Amount(5)
    );
}

#[test]
fn a_medusa_webshop_loads_from_the_example_and_its_ids_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/connections/bol-medusa.example.toml"),
    )
    .unwrap()
    .replace("reg_...", "reg_01ABC")
    .replace("sc_...", "sc_01ABC")
    .replace("so_...", "so_01ABC");
    let config = Config::load(&write(dir.path(), "", &example)).unwrap();
    let orderbridge::config::WebshopSettings::Medusa(medusa) = &config.connections[0].webshop
    else {
        panic!("not a Medusa section: {:?}", config.connections[0].webshop);
    };
    assert_eq!(medusa.region_id, "reg_01ABC");
    // A sales channel id where the region belongs is named.
    let swapped = example.replace("region_id = \"reg_01ABC\"", "region_id = \"sc_01ABC\"");
    let err = format!(
        "{:#}",
        Config::load(&write(dir.path(), "", &swapped)).unwrap_err()
    );
    assert!(
        err.contains("shop.toml") && err.contains("region_id") && err.contains("reg_"),
        "{err}"
    );
}

#[test]
fn every_example_connection_loads_with_its_webshop_kind() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/connections");
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            // Medusa's ids are placeholders in its example.
            .replace("reg_...", "reg_01ABC")
            .replace("sc_...", "sc_01ABC")
            .replace("so_...", "so_01ABC");
        let tmp = tempfile::tempdir().unwrap();
        let config = Config::load(&write(tmp.path(), "", &text))
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        kinds.push(config.connections[0].webshop.kind());
    }
    kinds.sort_unstable();
    assert_eq!(kinds, ["magento", "medusa", "shopify", "woocommerce"]);
}

#[test]
fn broken_configurations_name_the_file_and_the_key() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        ("unknown key in main file", "[databse]\nurl = \"x\"\n", VALID_CONNECTION, &["orderbridge.toml", "databse"]),
        ("bad TOML", "[database\n", VALID_CONNECTION, &["orderbridge.toml"]),
        (
            "database password for a SQLite file",
            "[database]\nurl = \"state.db\"\npassword = \"x\"\n",
            VALID_CONNECTION,
            &["orderbridge.toml", "database.password", "postgres://"],
        ),
        (
            "database password twice",
            "[database]\nurl = \"postgres://ob:one@db/ob\"\npassword = \"two\"\n",
            VALID_CONNECTION,
            &["orderbridge.toml", "database.password", "one place"],
        ),
        (
            "auto_migrate not a boolean",
            "[database]\nauto_migrate = \"sometimes\"\n",
            VALID_CONNECTION,
            &["orderbridge.toml", "auto_migrate"],
        ),
        (
            "unknown key in a connection",
            "",
            &format!("{VALID_CONNECTION}\n[schedule]\nimpot_interval_secs = 5\n"),
            &["shop.toml", "impot_interval_secs"],
        ),
        (
            "wrong type",
            "",
            &format!("{VALID_CONNECTION}\n[schedule]\nimport_interval_secs = \"often\"\n"),
            &["shop.toml", "import_interval_secs"],
        ),
        (
            "negative interval",
            "",
            &format!("{VALID_CONNECTION}\n[schedule]\nimport_interval_secs = -5\n"),
            &["shop.toml", "import_interval_secs"],
        ),
        (
            "zero interval",
            "",
            &format!("{VALID_CONNECTION}\n[schedule]\nship_interval_secs = 0\n"),
            &["shop.toml", "schedule.ship_interval_secs"],
        ),
        (
            "bad URL",
            "",
            &VALID_CONNECTION.replace("https://shop.example.nl", "not a url"),
            &["shop.toml", "base_url"],
        ),
        (
            "unknown marketplace",
            "",
            &VALID_CONNECTION.replace("kind = \"bol\"", "kind = \"amazone\""),
            &["shop.toml", "amazone"],
        ),
        (
            "bad carrier rule",
            "",
            &format!("{VALID_CONNECTION}\n[carriers]\nrules = [{{ pattern = \"(\", carrier = \"PostNL\" }}]\n"),
            &["shop.toml", "carriers"],
        ),
        (
            "seller dashboard address without the order id",
            "",
            &VALID_CONNECTION.replace("kind = \"bol\"", "kind = \"bol\"\norder_page = \"https://partner.bol.com/orders\""),
            &["shop.toml", "order_page", "{order_id}"],
        ),
        (
            "unknown label choice",
            "",
            &format!("{VALID_CONNECTION}\n[labels]\nbuy = true\nchoose = \"fastest\"\n"),
            &["shop.toml", "choose", "fastest"],
        ),
        ("bad log level", "[logging]\nlevel = \"loud!!\"\n", VALID_CONNECTION, &["orderbridge.toml", "logging.level"]),
        (
            "unmanaged stock neither leave nor a number",
            "",
            &VALID_CONNECTION.replace("consumer_secret = \"cs_1\"", "consumer_secret = \"cs_1\"\nunmanaged_in_stock = \"keep\""),
            &["shop.toml", "unmanaged_in_stock"],
        ),
    ];
    for (what, main, connection, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let error = Config::load(&write(dir.path(), main, connection))
            .expect_err(what)
            .to_string();
        for needle in *expected {
            assert!(
                error.contains(needle),
                "{what}: {error:?} does not name {needle:?}"
            );
        }
    }
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let error = Config::load(&dir.path().join("nope.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("nope.toml") && error.contains("not found"),
        "{error}"
    );
}

#[test]
fn a_missing_secret_file_is_named_when_connectors_are_built() {
    let dir = tempfile::tempdir().unwrap();
    let connection = VALID_CONNECTION.replace(
        "client_secret = \"secret\"",
        "client_secret = { file = \"/nonexistent/bol.secret\" }",
    );
    let config = Config::load(&write(dir.path(), "", &connection)).unwrap();
    let error = match orderbridge::connectors::AnyMarketplace::build(
        &config.connections[0].marketplace,
        None,
    ) {
        Ok(_) => panic!("built with a missing secret"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("/nonexistent/bol.secret"), "{error}");
}

#[test]
fn environment_overrides_apply_to_connections() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "", VALID_CONNECTION);
    // Unique to this test: the variable names the connection `shop` of this test only.
    std::env::set_var(
        "ORDERBRIDGE__CONNECTIONS__SHOP__SCHEDULE__TRACK_INTERVAL_SECS",
        "42",
    );
    let config = Config::load(&path).unwrap();
    std::env::remove_var("ORDERBRIDGE__CONNECTIONS__SHOP__SCHEDULE__TRACK_INTERVAL_SECS");
    assert_eq!(config.connections[0].schedule.track_interval_secs, 42);
}

#[test]
fn the_database_password_comes_from_its_file_into_the_url_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("db-password"), "s3cr/t@x\n").unwrap();
    let main = format!(
        "[database]\nurl = \"postgres://ob@db.internal:5432/ob\"\npassword = {{ file = {:?} }}\n",
        dir.path().join("db-password")
    );
    let config = Config::load(&write(dir.path(), &main, VALID_CONNECTION)).unwrap();
    assert_eq!(
        config.database_url().unwrap(),
        "postgres://ob:s3cr%2Ft%40x@db.internal:5432/ob"
    );
    assert_eq!(
        config.database_location(),
        "postgres://ob@db.internal:5432/ob",
        "the location shown to people has no password"
    );
    std::fs::remove_file(dir.path().join("db-password")).unwrap();
    let missing = config.database_url().unwrap_err().to_string();
    assert!(missing.contains("database.password"), "{missing}");
}

#[test]
fn the_shipped_example_configuration_loads() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("connections")).unwrap();
    std::fs::copy(
        root.join("config/orderbridge.toml"),
        dir.path().join("orderbridge.toml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("config/connections/bol-woocommerce.example.toml"),
        dir.path().join("connections/bol-myshop.toml"),
    )
    .unwrap();
    let config = Config::load(&dir.path().join("orderbridge.toml")).unwrap();
    assert_eq!(config.connections[0].name, "bol-myshop");
    assert!(
        config.daemon.database.auto_migrate,
        "a single instance migrates itself"
    );
    assert_eq!(config.daemon.scheduler.lease_secs, 60);
}
