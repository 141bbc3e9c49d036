//! Our order code as a Shopify custom id: the order metafield definition
//! `orderbridge.order_code` of type `id`, ensured once per client before the first creation or
//! lookup, and the order read by it with `orderByIdentifier`.
//!
//! Why: `orders(query:)` is a search index, and a just-created order may not be in it yet, so
//! a lookup right after a crash or a lost reply could miss the order and the engine would
//! create it a second time. A custom id is read directly, and its values are unique, so Shopify
//! also refuses a second order carrying the same code
//! (shopify.dev/docs/apps/build/custom-data/metafields/working-with-custom-ids; "ID metafield
//! types are automatically configured to have unique values"; lookup by custom id for orders
//! since 2025-04: shopify.dev/changelog/posts/custom-ids-more-lookups). See `VENDOR.md`.

use orderbridge_core::domain::OrderCode;
use orderbridge_core::ConnectorResult;
use orderbridge_http::Replay;
use serde_json::json;

use crate::client::ShopifyClient;
use crate::error_mapping::{rejected, user_errors};
use crate::mapping::CUSTOM_ID_TYPE;
use crate::queries::{CODE_DEFINITION, CODE_DEFINITION_CREATE, ORDER_BY_CODE};
use crate::wire::{
    self, DefinitionCreateData, DefinitionData, MetafieldDefinition, OrderByIdentifierData,
};
use crate::wire_input::MetafieldDefinitionInput;
use crate::{CODE_KEY, METAFIELD_NAMESPACE};

/// The owner type of order metafields.
const OWNER_TYPE: &str = "ORDER";

/// What the merchant is told to do about a definition we cannot use.
fn unusable(definition: &MetafieldDefinition, what: &str) -> orderbridge_core::ConnectorError {
    rejected(format!(
        "configuration: the Shopify order metafield definition {METAFIELD_NAMESPACE}.{CODE_KEY} \
         {what}; orderbridge keeps its order code there as a custom id (type `{CUSTOM_ID_TYPE}`, \
         unique values) to find its orders without Shopify's search index. Delete that \
         definition in the Shopify admin (Settings > Custom data > Orders), or give it type \
         `{CUSTOM_ID_TYPE}`; orderbridge creates it itself when it is missing (definition {})",
        definition.id
    ))
}

/// Whether `definition` keeps our codes as unique custom ids.
fn usable(definition: &MetafieldDefinition) -> ConnectorResult<()> {
    if definition.kind.name != CUSTOM_ID_TYPE {
        return Err(unusable(
            definition,
            &format!("has type `{}`", definition.kind.name),
        ));
    }
    if !definition.capabilities.unique_values.enabled {
        return Err(unusable(definition, "does not keep its values unique"));
    }
    Ok(())
}

impl ShopifyClient {
    /// Makes sure the definition of our custom id exists with type `id`: read, created when
    /// absent. Done once per client (and its clones); a failure is tried again next call.
    ///
    /// # Errors
    ///
    /// [`orderbridge_core::ConnectorError::Rejected`] naming the definition when one of
    /// another type is in the way; the usual errors of a call.
    pub(crate) async fn ensure_code_definition(&self) -> ConnectorResult<()> {
        self.core
            .code_definition
            .get_or_try_init(|| self.define_code())
            .await
            .map(|_| ())
    }

    async fn read_definition(&self) -> ConnectorResult<Option<MetafieldDefinition>> {
        let data: DefinitionData = self
            .core
            .run(
                &CODE_DEFINITION,
                json!({ "identifier": {
                    "ownerType": OWNER_TYPE,
                    "namespace": METAFIELD_NAMESPACE,
                    "key": CODE_KEY,
                } }),
                Replay::Safe,
            )
            .await?;
        Ok(data.metafield_definition)
    }

    async fn define_code(&self) -> ConnectorResult<()> {
        if let Some(definition) = self.read_definition().await? {
            return usable(&definition);
        }
        let input = MetafieldDefinitionInput {
            name: "orderbridge order code".into(),
            namespace: METAFIELD_NAMESPACE.into(),
            key: CODE_KEY.into(),
            description: "The order's code in orderbridge, which created it: a custom id, \
                          unique per order. Do not change it."
                .into(),
            kind: CUSTOM_ID_TYPE.into(),
            owner_type: OWNER_TYPE.into(),
        };
        let data: DefinitionCreateData = self
            .core
            .run(
                &CODE_DEFINITION_CREATE,
                json!({ "definition": input }),
                // Sending it twice does no harm: the second is refused as taken and the
                // definition is read below.
                Replay::Safe,
            )
            .await?;
        let payload = data.metafield_definition_create;
        if let Some(created) = &payload.created_definition {
            tracing::info!(
                definition = %created.id,
                "created the Shopify order metafield definition for orderbridge's order code"
            );
            return usable(created);
        }
        // Another instance may have created it in the meantime (refused as taken).
        match self.read_definition().await? {
            Some(definition) => usable(&definition),
            None => Err(user_errors(
                "metafieldDefinitionCreate",
                &payload.user_errors,
            )),
        }
    }

    /// The order carrying our `code` as its custom id, read directly (not searched).
    ///
    /// # Errors
    ///
    /// The usual errors of a read.
    pub(crate) async fn order_by_code(
        &self,
        code: &OrderCode,
    ) -> ConnectorResult<Option<wire::Order>> {
        self.ensure_code_definition().await?;
        let data: OrderByIdentifierData = self
            .core
            .run(
                &ORDER_BY_CODE,
                json!({ "identifier": { "customId": {
                    "namespace": METAFIELD_NAMESPACE,
                    "key": CODE_KEY,
                    "value": code.as_str(),
                } } }),
                Replay::Safe,
            )
            .await?;
        Ok(data.order_by_identifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Capabilities, DefinitionType, UniqueValues};

    fn definition(kind: &str, unique: bool) -> MetafieldDefinition {
        MetafieldDefinition {
            id: "gid://shopify/MetafieldDefinition/1".into(),
            namespace: METAFIELD_NAMESPACE.into(),
            key: CODE_KEY.into(),
            owner_type: OWNER_TYPE.into(),
            kind: DefinitionType { name: kind.into() },
            capabilities: Capabilities {
                unique_values: UniqueValues { enabled: unique },
            },
        }
    }

    #[test]
    fn only_a_unique_id_definition_is_usable() {
        assert!(usable(&definition("id", true)).is_ok());
        let text = usable(&definition("single_line_text_field", true)).unwrap_err();
        assert!(
            matches!(&text, orderbridge_core::ConnectorError::Rejected { message, .. }
                if message.contains("orderbridge.order_code")
                    && message.contains("single_line_text_field")
                    && message.contains("Delete that definition")),
            "{text:?}"
        );
        assert!(usable(&definition("id", false)).is_err());
    }
}
