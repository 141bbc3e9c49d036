//! The dashboard's and the documents' words in English and Dutch. A label is looked up by
//! its English key; a test checks that every key the templates use has both languages.

use serde::Serialize;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Dutch.
    Nl,
}

/// `(key, English, Dutch)`.
const LABELS: &[(&str, &str, &str)] = &[
    ("orders", "Orders", "Bestellingen"),
    ("batches", "Batches", "Batches"),
    ("connections", "Connections", "Koppelingen"),
    ("log_out", "Log out", "Uitloggen"),
    ("log_in", "Log in", "Inloggen"),
    ("user", "User name", "Gebruikersnaam"),
    ("password", "Password", "Wachtwoord"),
    (
        "login_failed",
        "User name or password is wrong.",
        "Gebruikersnaam of wachtwoord klopt niet.",
    ),
    (
        "login_throttled",
        "Too many attempts. Try again in a few minutes.",
        "Te veel pogingen. Probeer het over een paar minuten opnieuw.",
    ),
    ("all", "All", "Alle"),
    ("errors", "Errors", "Fouten"),
    ("not_shipped", "Not shipped", "Niet verzonden"),
    ("waiting", "Waiting for T&T", "Wacht op T&T"),
    ("pending", "Pending", "In behandeling"),
    ("shipped", "Shipped", "Verzonden"),
    (
        "cancellation_requests",
        "Cancellation requests",
        "Annuleringsverzoeken",
    ),
    ("cancelled", "Cancelled", "Geannuleerd"),
    ("manual", "Manual", "Handmatig"),
    ("search", "Search", "Zoeken"),
    (
        "search_hint",
        "Order code, marketplace id, customer or T&T",
        "Ordercode, marketplace-id, klant of T&T",
    ),
    ("connection", "Connection", "Koppeling"),
    ("batch", "Batch", "Batch"),
    ("any", "Any", "Alle"),
    ("filter", "Filter", "Filteren"),
    ("code", "Order code", "Ordercode"),
    ("marketplace_id", "Marketplace id", "Marketplace-id"),
    ("webshop_id", "Webshop id", "Webshop-id"),
    ("customer", "Customer", "Klant"),
    ("status", "Status", "Status"),
    ("placed", "Placed", "Geplaatst"),
    ("tracking", "T&T", "T&T"),
    ("carrier", "Carrier", "Vervoerder"),
    ("error", "Error", "Fout"),
    ("no_orders", "No orders here.", "Geen bestellingen."),
    ("page", "Page", "Pagina"),
    ("previous", "Previous", "Vorige"),
    ("next", "Next", "Volgende"),
    ("shipping_address", "Shipping address", "Verzendadres"),
    ("billing_address", "Billing address", "Factuuradres"),
    ("house_number", "House number", "Huisnummer"),
    ("extension", "Extension", "Toevoeging"),
    ("pickup_point", "Pickup point", "Afhaalpunt"),
    ("lines", "Lines", "Regels"),
    ("sku", "SKU", "SKU"),
    ("ean", "EAN", "EAN"),
    ("title", "Title", "Titel"),
    ("quantity", "Qty", "Aantal"),
    ("qty_shipped", "Shipped", "Verzonden"),
    ("qty_cancelled", "Cancelled", "Geannuleerd"),
    ("unit_price", "Unit price incl. VAT", "Stukprijs incl. btw"),
    ("line_total", "Paid incl. VAT", "Betaald incl. btw"),
    (
        "total_paid",
        "Total paid incl. VAT",
        "Totaal betaald incl. btw",
    ),
    ("discount", "Discount", "Korting"),
    (
        "fulfilled_by_marketplace",
        "fulfilled by the marketplace",
        "verzonden door de marketplace",
    ),
    (
        "label_required",
        "ships with a marketplace label",
        "verzenden met marketplace-label",
    ),
    ("shipment", "Shipment", "Verzending"),
    (
        "completed_at",
        "Completed in webshop",
        "Afgerond in webshop",
    ),
    ("wait_ends", "T&T wait ends", "Wachten op T&T tot"),
    ("notes", "Notes", "Notities"),
    ("add_note", "Add note", "Notitie toevoegen"),
    ("history", "History", "Geschiedenis"),
    ("sync", "Synchronize now", "Nu synchroniseren"),
    ("resend", "Resend", "Opnieuw versturen"),
    ("handle_manually", "Handle manually", "Handmatig afhandelen"),
    (
        "confirm_sync",
        "Fetch this order from the marketplace and the webshop now?",
        "Deze bestelling nu ophalen bij de marketplace en de webshop?",
    ),
    (
        "confirm_resend",
        "Send this order through the loop again?",
        "Deze bestelling opnieuw versturen?",
    ),
    (
        "confirm_manual",
        "Hand this order over? orderbridge stops touching it.",
        "Deze bestelling handmatig afhandelen? orderbridge raakt haar dan niet meer aan.",
    ),
    (
        "outcome",
        "Order {code} is now {status}.",
        "Bestelling {code} is nu {status}.",
    ),
    ("note_added", "Note added.", "Notitie toegevoegd."),
    ("processing", "Processing", "Bezig"),
    ("failed", "Failed", "Mislukt"),
    ("completed", "Completed", "Voltooid"),
    ("created", "Created", "Aangemaakt"),
    ("pick_pack_list", "Pick & pack list", "Pick- en paklijst"),
    ("packing_slip", "Packing slip", "Pakbon"),
    ("shipping_label", "Shipping label", "Verzendlabel"),
    ("shipping_labels", "Shipping labels", "Verzendlabels"),
    ("label_bought", "bought", "gekocht"),
    ("label_buying", "being bought", "wordt gekocht"),
    ("failed_orders", "Failed orders", "Mislukte bestellingen"),
    ("job", "Job", "Taak"),
    ("last_run", "Last run", "Laatste run"),
    ("last_ok", "Last success", "Laatst gelukt"),
    ("next_run", "Next run", "Volgende run"),
    ("failures", "Failures in a row", "Fouten op rij"),
    ("backoff", "Backing off", "Wacht na fouten"),
    ("running_on", "Running on", "Draait op"),
    ("last_error", "Last error", "Laatste fout"),
    (
        "credentials_refused",
        "Credentials refused: check the keys in the connection file.",
        "Inloggegevens geweigerd: controleer de sleutels in het koppelingsbestand.",
    ),
    ("pick", "Pick", "Verzamelen"),
    ("pack", "Pack", "Inpakken"),
    ("needed_by", "Orders", "Bestellingen"),
    ("to_ship", "To ship", "Te verzenden"),
    ("language", "Nederlands", "English"),
    ("street", "Street", "Straat"),
    ("login_unavailable", "Logging in is not possible right now (the state database cannot be reached). Try again shortly.", "Inloggen lukt nu niet (de database is niet bereikbaar). Probeer het zo opnieuw."),
    ("test", "TEST", "TEST"),
    ("new_test_order", "Test order", "Testbestelling"),
    ("test_order_explained", "A test order runs through the webshop only (creation, T&T, pick & pack list); it is never sent to a marketplace.", "Een testbestelling loopt alleen door de webshop (aanmaken, T&T, pick- en paklijst); ze wordt nooit naar een marketplace gestuurd."),
    ("cancel_order", "Cancel order", "Bestelling annuleren"),
    ("confirm_cancel", "Cancel this order in the webshop and on the marketplace (reason: out of stock)? This cannot be undone.", "Deze bestelling annuleren in de webshop en op de marketplace (reden: niet op voorraad)? Dit kan niet ongedaan worden gemaakt."),
    (
        "nothing_to_pick",
        "Nothing to pick: every order of this batch is shipped or cancelled.",
        "Niets te verzamelen: elke bestelling van deze batch is verzonden of geannuleerd.",
    ),
    ("status_not_shipped", "Not shipped", "Niet verzonden"),
    ("status_waiting", "Waiting for T&T", "Wacht op T&T"),
    (
        "status_pending_shipment",
        "Shipment pending",
        "Verzending in behandeling",
    ),
    ("status_shipped", "Shipped", "Verzonden"),
    (
        "status_cancellation_request",
        "Cancellation request",
        "Annuleringsverzoek",
    ),
    (
        "status_pending_cancellation",
        "Cancellation pending",
        "Annulering in behandeling",
    ),
    ("status_cancelled", "Cancelled", "Geannuleerd"),
    ("status_manual", "Manual", "Handmatig"),
    ("status_error", "Error", "Fout"),
];

impl Lang {
    /// The language of a code (`en`, `nl`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }

    /// The preferred language of an `Accept-Language` header (the first of `nl` and `en`).
    pub fn from_accept_language(header: &str) -> Self {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| Self::from_code(tag.split('-').next().unwrap_or(tag)))
            .next()
            .unwrap_or_default()
    }

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Self {
        match self {
            Self::En => Self::Nl,
            Self::Nl => Self::En,
        }
    }

    /// The label for a key in this language; the key itself when it has none.
    pub fn t(self, key: &str) -> &'static str {
        LABELS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or("?", |(_, en, nl)| match self {
                Self::En => en,
                Self::Nl => nl,
            })
    }

    /// Whether a key has labels.
    pub fn knows(key: &str) -> bool {
        LABELS.iter().any(|(k, _, _)| *k == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_dutch_or_english() {
        assert_eq!(
            Lang::from_accept_language("nl-NL,nl;q=0.9,en;q=0.8"),
            Lang::Nl
        );
        assert_eq!(Lang::from_accept_language("de-DE,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::Nl.t("orders"), "Bestellingen");
        assert_eq!(Lang::En.t("no such key"), "?");
    }

    #[test]
    fn keys_are_unique() {
        for (idx, (key, _, _)) in LABELS.iter().enumerate() {
            assert!(
                !LABELS[idx + 1..].iter().any(|(k, _, _)| k == key),
                "{key} twice"
            );
        }
    }
}
