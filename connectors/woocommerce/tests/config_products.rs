//! The `[webshop]` options for products and stock: EAN meta keys and what an in-stock
//! product without managed stock sends.

use orderbridge_woocommerce::{UnmanagedInStock, WooConfig, WooConfigError};

#[test]
fn ean_meta_keys_and_unmanaged_stock_are_read() {
    let parse = |json: serde_json::Value| serde_json::from_value::<WooConfig>(json);
    let base = serde_json::json!({
        "base_url": "https://shop.example.nl",
        "consumer_key": "ck_1",
        "consumer_secret": "cs_1",
    });
    let defaults = parse(base.clone()).unwrap();
    assert_eq!(
        defaults.ean_meta_keys,
        vec!["_alg_ean", "_wpm_gtin_code", "_ts_gtin"]
    );
    assert_eq!(defaults.unmanaged_in_stock, UnmanagedInStock::Leave);
    let mut custom = base.clone();
    custom["ean_meta_keys"] = serde_json::json!(["_my_ean"]);
    custom["unmanaged_in_stock"] = serde_json::json!(5);
    let custom = parse(custom).unwrap();
    assert_eq!(custom.ean_meta_keys, vec!["_my_ean"]);
    assert_eq!(custom.unmanaged_in_stock, UnmanagedInStock::Amount(5));
    let mut leave = base.clone();
    leave["unmanaged_in_stock"] = serde_json::json!("leave");
    assert_eq!(
        parse(leave).unwrap().unmanaged_in_stock,
        UnmanagedInStock::Leave
    );
    for bad in [serde_json::json!("keep"), serde_json::json!(-1)] {
        let mut wrong = base.clone();
        wrong["unmanaged_in_stock"] = bad;
        assert!(parse(wrong).is_err());
    }
    let mut empty_key = custom.clone();
    empty_key.ean_meta_keys = vec![" ".into()];
    assert_eq!(empty_key.validate(), Err(WooConfigError::EmptyEanMetaKey));
}
