//! Deterministic, varied sample orders for the demo and for load-style tests: Dutch and
//! Belgian buyers, house numbers in the forms bol really sends (`23-II`, `3HS`, `17 bte 1`,
//! `32 bus 20`), one to three lines of one to three items, now and then a pickup point.

use super::model::{SimAddress, SimLine, SimOrder, SimProduct};

/// SplitMix64: tiny, stable across versions and platforms, good enough to vary test data.
struct SampleRng(u64);

impl SampleRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FIRST_NAMES: &[&str] = &[
    "Jan", "Sanne", "Pieter", "Fleur", "Daan", "Lotte", "Bram", "Emma", "Noor", "Lucas", "Wout",
    "Anouk",
];
const NL_SURNAMES: &[&str] = &[
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "de Jong",
    "van Dijk",
];
const BE_SURNAMES: &[&str] = &[
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Dubois",
];
/// Street, postal code, city.
const NL_PLACES: &[(&str, &str, &str)] = &[
    ("Kerkstraat", "1017 GC", "Amsterdam"),
    ("Oudegracht", "3511 AP", "Utrecht"),
    ("Coolsingel", "3011 AD", "Rotterdam"),
    ("Grote Markt", "9711 LV", "Groningen"),
    ("Stratumseind", "5611 ET", "Eindhoven"),
];
const BE_PLACES: &[(&str, &str, &str)] = &[
    ("Meir", "2000", "Antwerpen"),
    ("Rue Haute", "1000", "Brussel"),
    ("Veldstraat", "9000", "Gent"),
    ("Bondgenotenlaan", "3000", "Leuven"),
];
/// House number, extension.
const NL_NUMBERS: &[(&str, Option<&str>)] = &[
    ("23", Some("II")),
    ("3", Some("HS")),
    ("4", Some("A")),
    ("112", None),
    ("7", Some("bis")),
    ("58", None),
];
const BE_NUMBERS: &[(&str, Option<&str>)] = &[
    ("17", Some("bte 1")),
    ("32", Some("bus 20")),
    ("5", None),
    ("101", Some("bus 3")),
];
const PICKUP_POINTS: &[&str] = &[
    "Primera Centrum",
    "Albert Heijn Stationsplein",
    "bol pickup locker 12",
];

fn default_catalogue() -> Vec<SimProduct> {
    vec![SimProduct {
        sku: "SIM-MUG".to_owned(),
        ean: "8712345678906".to_owned(),
        title: "Koffiemok".to_owned(),
        price_cents: 1299,
    }]
}

impl SimOrder {
    /// A varied order derived from `seed` alone (same seed, same order) with lines from
    /// `catalogue` (a built-in product when it is empty).
    pub fn sample(seed: u64, catalogue: &[SimProduct]) -> Self {
        let mut rng = SampleRng(seed);
        let fallback;
        let catalogue = if catalogue.is_empty() {
            fallback = default_catalogue();
            &fallback
        } else {
            catalogue
        };
        let belgian = rng.below(3) == 0;
        let (surnames, places, numbers, country_code) = if belgian {
            (BE_SURNAMES, BE_PLACES, BE_NUMBERS, "BE")
        } else {
            (NL_SURNAMES, NL_PLACES, NL_NUMBERS, "NL")
        };
        let (street, zip, city) = *rng.pick(places);
        let (number, extension) = *rng.pick(numbers);
        let address = SimAddress {
            first_name: (*rng.pick(FIRST_NAMES)).to_owned(),
            surname: (*rng.pick(surnames)).to_owned(),
            street_name: street.to_owned(),
            house_number: number.to_owned(),
            house_number_extension: extension.map(str::to_owned),
            zip_code: zip.to_owned(),
            city: city.to_owned(),
            country_code,
        };
        let n_lines = 1 + rng.below(3.min(catalogue.len()));
        let first_product = rng.below(catalogue.len());
        let lines = (0..n_lines)
            .map(|line_idx| {
                let product = &catalogue[(first_product + line_idx) % catalogue.len()];
                SimLine {
                    ean: product.ean.clone(),
                    reference: Some(product.sku.clone()),
                    title: product.title.clone(),
                    quantity: 1 + rng.below(3) as u32,
                    unit_price_cents: product.price_cents,
                }
            })
            .collect();
        let pickup_point_name = (rng.below(5) == 0).then(|| (*rng.pick(PICKUP_POINTS)).to_owned());
        SimOrder {
            address,
            pickup_point_name,
            fulfilled_by_bol: false,
            lines,
            fbb_lines: Vec::new(),
            via_bol_lines: Vec::new(),
            discounts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<SimProduct> {
        (0..4)
            .map(|idx| SimProduct {
                sku: format!("SKU-{idx}"),
                ean: "8712345678906".to_owned(),
                title: format!("Product {idx}"),
                price_cents: 500 + idx,
            })
            .collect()
    }

    #[test]
    fn same_seed_same_order_and_seeds_vary() {
        assert_eq!(
            SimOrder::sample(7, &catalogue()),
            SimOrder::sample(7, &catalogue())
        );
        let orders: Vec<SimOrder> = (0..60)
            .map(|seed| SimOrder::sample(seed, &catalogue()))
            .collect();
        let countries: std::collections::HashSet<_> =
            orders.iter().map(|o| o.address.country_code).collect();
        assert_eq!(countries.len(), 2);
        assert!(orders.iter().any(|o| o.pickup_point_name.is_some()));
        assert!(orders
            .iter()
            .any(|o| o.address.house_number_extension.is_some()));
        assert!(orders.iter().any(|o| o.lines.len() == 3));
        for order in &orders {
            assert!((1..=3).contains(&order.lines.len()));
            assert!(order.lines.iter().all(|l| (1..=3).contains(&l.quantity)));
        }
    }

    #[test]
    fn empty_catalogue_uses_a_built_in_product() {
        let order = SimOrder::sample(1, &[]);
        assert_eq!(order.lines[0].reference.as_deref(), Some("SIM-MUG"));
    }
}
