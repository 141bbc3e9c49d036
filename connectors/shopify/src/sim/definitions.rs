//! Metafield definitions and custom ids as the simulated shop keeps them, as strict as Shopify
//! where the connector depends on it (`VENDOR.md` §Finding an order again):
//!
//! - `metafieldDefinition(identifier: {ownerType, namespace, key})`: the definition or `null`;
//! - `metafieldDefinitionCreate`: an input field the schema does not define, or a missing
//!   required one, is a top-level error; a key or namespace of the wrong length or characters,
//!   or an unknown type, a user error; a second definition with the same owner type, namespace
//!   and key is refused `TAKEN`. A definition of type `id` always has unique values (the
//!   capability is required and on by default), other types only when asked;
//! - `orderCreate` metafields with a definition: the type must be the definition's, and a value
//!   of a unique definition another order already carries is refused (no order is made);
//! - `orderByIdentifier(identifier: {customId})`: read directly, never through the search
//!   index; without a definition of type `id` for that namespace and key it is a top-level
//!   `NOT_FOUND` error.

use serde_json::{json, Map, Value};

use super::create::TopLevelError;
use super::model::{SimMetafieldDefinition, SimOrder};
use super::render;
use super::state::{user_error, SimState};

/// Fields of `MetafieldDefinitionInput` (2025-07 reference).
const DEFINITION_FIELDS: &[&str] = &[
    "access",
    "capabilities",
    "constraints",
    "description",
    "key",
    "name",
    "namespace",
    "ownerType",
    "pin",
    "type",
    "validations",
    "useAsCollectionCondition",
];

/// Owner types the simulator knows (a part of `MetafieldOwnerType`).
const OWNER_TYPES: &[&str] = &[
    "ORDER",
    "DRAFTORDER",
    "PRODUCT",
    "PRODUCTVARIANT",
    "CUSTOMER",
    "COLLECTION",
    "LOCATION",
    "SHOP",
];

/// Metafield types the simulator knows (a part of Shopify's list).
const TYPES: &[&str] = &[
    "id",
    "single_line_text_field",
    "multi_line_text_field",
    "number_integer",
    "number_decimal",
    "boolean",
    "date",
    "date_time",
    "json",
    "url",
];

/// Longest value of an `id` metafield (shopify.dev/docs/apps/build/metafields/metafield-limits).
const ID_MAX_CHARS: usize = 2_048;

/// The namespace used when none is given: the app's own.
const APP_NAMESPACE: &str = "$app";

fn identifier_chars(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn text<'v>(input: &'v Map<String, Value>, field: &str) -> Option<&'v str> {
    input.get(field).and_then(Value::as_str)
}

/// A definition as the connector's query reads it.
pub(crate) fn render_definition(definition: &SimMetafieldDefinition) -> Value {
    json!({
        "id": definition.id,
        "namespace": definition.namespace,
        "key": definition.key,
        "ownerType": definition.owner_type,
        "type": { "name": definition.type_name },
        "capabilities": { "uniqueValues": {
            "enabled": definition.unique_values,
            "eligible": matches!(definition.type_name.as_str(),
                "id" | "single_line_text_field" | "number_integer" | "url"),
        } },
    })
}

impl SimState {
    /// The definition of `owner_type` metafields `namespace.key`.
    pub(crate) fn definition(
        &self,
        owner_type: &str,
        namespace: &str,
        key: &str,
    ) -> Option<&SimMetafieldDefinition> {
        self.definitions
            .iter()
            .find(|d| d.owner_type == owner_type && d.namespace == namespace && d.key == key)
    }

    /// Adds a definition (checked by the caller).
    pub(crate) fn add_definition(
        &mut self,
        owner_type: &str,
        namespace: &str,
        key: &str,
        type_name: &str,
        unique_values: bool,
    ) -> &SimMetafieldDefinition {
        let id = format!("gid://shopify/MetafieldDefinition/{}", self.id());
        self.definitions.push(SimMetafieldDefinition {
            id,
            owner_type: owner_type.to_owned(),
            namespace: namespace.to_owned(),
            key: key.to_owned(),
            type_name: type_name.to_owned(),
            // `id` requires unique values (shopify.dev/changelog/posts/custom-ids-more-lookups).
            unique_values: unique_values || type_name == "id",
        });
        let last = self.definitions.len() - 1;
        &self.definitions[last]
    }

    /// `metafieldDefinition(identifier:)`.
    pub(crate) fn metafield_definition(&self, variables: &Value) -> Value {
        let identifier = &variables["identifier"];
        let owner = identifier["ownerType"].as_str().unwrap_or_default();
        let namespace = identifier["namespace"].as_str().unwrap_or(APP_NAMESPACE);
        let key = identifier["key"].as_str().unwrap_or_default();
        json!({ "metafieldDefinition":
            self.definition(owner, namespace, key).map(render_definition) })
    }

    /// `metafieldDefinitionCreate`: the payload, or a top-level error.
    pub(crate) fn metafield_definition_create(
        &mut self,
        variables: &Value,
    ) -> Result<Value, TopLevelError> {
        let input = variables["definition"].as_object().ok_or_else(|| {
            TopLevelError::invalid(
                "Variable $definition of type MetafieldDefinitionInput! was provided invalid value",
            )
        })?;
        if let Some(key) = input
            .keys()
            .find(|k| !DEFINITION_FIELDS.contains(&k.as_str()))
        {
            return Err(TopLevelError::invalid(format!(
                "Variable $definition of type MetafieldDefinitionInput! was provided invalid \
                 value for {key} (Field is not defined on MetafieldDefinitionInput)"
            )));
        }
        for required in ["key", "name", "ownerType", "type"] {
            if text(input, required).is_none() {
                return Err(TopLevelError::invalid(format!(
                    "Variable $definition of type MetafieldDefinitionInput! was provided invalid \
                     value for {required} (Expected value to not be null)"
                )));
            }
        }
        let owner = text(input, "ownerType").unwrap_or_default();
        if !OWNER_TYPES.contains(&owner) {
            return Err(TopLevelError::invalid(format!(
                "Variable $definition of type MetafieldDefinitionInput! was provided invalid \
                 value for ownerType (Expected \"{owner}\" to be one of: {})",
                OWNER_TYPES.join(", ")
            )));
        }
        let key = text(input, "key").unwrap_or_default();
        let namespace = text(input, "namespace").unwrap_or(APP_NAMESPACE);
        let type_name = text(input, "type").unwrap_or_default();
        let mut errors = Vec::new();
        if !(2..=64).contains(&key.len()) || !identifier_chars(key) {
            errors.push(user_error(
                &["definition", "key"],
                "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and \
                 underscore characters",
            ));
        }
        if namespace != APP_NAMESPACE
            && (!(3..=255).contains(&namespace.len()) || !identifier_chars(namespace))
        {
            errors.push(user_error(
                &["definition", "namespace"],
                "Namespace must be 3-255 characters long and only contain alphanumeric, hyphen, \
                 and underscore characters",
            ));
        }
        if !TYPES.contains(&type_name) {
            errors.push(json!({ "field": ["definition", "type"],
                "message": "Type is not included in the list", "code": "INCLUSION" }));
        }
        if self.definition(owner, namespace, key).is_some() {
            errors.push(json!({ "field": ["definition", "key"],
                "message": "Key is in use for this owner type and namespace.", "code": "TAKEN" }));
        }
        if !errors.is_empty() {
            return Ok(json!({ "createdDefinition": null, "userErrors": errors }));
        }
        let unique = input
            .get("capabilities")
            .and_then(|c| c["uniqueValues"]["enabled"].as_bool())
            .unwrap_or(false);
        let created = self.add_definition(owner, namespace, key, type_name, unique);
        Ok(json!({ "createdDefinition": render_definition(created), "userErrors": [] }))
    }

    /// User errors for the metafields of a new order (`orderCreate`'s `metafields`): a type
    /// other than the definition's, a value a unique definition already has on another order.
    pub(crate) fn order_metafield_errors(&self, metafields: &[Value]) -> Vec<Value> {
        let mut errors = Vec::new();
        for (idx, metafield) in metafields.iter().enumerate() {
            let idx_text = idx.to_string();
            let namespace = metafield["namespace"].as_str().unwrap_or(APP_NAMESPACE);
            let key = metafield["key"].as_str().unwrap_or_default();
            let value = metafield["value"].as_str().unwrap_or_default();
            let given_type = metafield["type"].as_str();
            let Some(definition) = self.definition("ORDER", namespace, key) else {
                if given_type.is_none() {
                    errors.push(user_error(
                        &["order", "metafields", &idx_text, "type"],
                        "Type can't be blank",
                    ));
                }
                continue;
            };
            if given_type.is_some_and(|t| t != definition.type_name) {
                errors.push(user_error(
                    &["order", "metafields", &idx_text, "type"],
                    format!(
                        "Type must be {} (the metafield definition's type)",
                        definition.type_name
                    ),
                ));
                continue;
            }
            if definition.type_name == "id" && (value.is_empty() || value.len() > ID_MAX_CHARS) {
                errors.push(user_error(
                    &["order", "metafields", &idx_text, "value"],
                    "Value is invalid for the id type",
                ));
                continue;
            }
            let taken = definition.unique_values
                && self
                    .orders
                    .iter()
                    .any(|o| o.metafield(namespace, key) == Some(value));
            if taken {
                // `OrderCreateUserErrorCode` has no `TAKEN`; `INVALID` is its general code.
                errors.push(user_error(
                    &["order", "metafields", &idx_text, "value"],
                    "The input value is already taken.",
                ));
            }
        }
        errors
    }

    /// `orderByIdentifier(identifier:)`: `data`, or a top-level error.
    pub(crate) fn order_by_identifier(&self, variables: &Value) -> Result<Value, TopLevelError> {
        let identifier = &variables["identifier"];
        let found: Option<&SimOrder> = if let Some(id) = identifier["id"].as_str() {
            self.orders.iter().find(|o| o.id == id)
        } else {
            let custom = &identifier["customId"];
            let namespace = custom["namespace"].as_str().unwrap_or(APP_NAMESPACE);
            let key = custom["key"].as_str().unwrap_or_default();
            let value = custom["value"].as_str().unwrap_or_default();
            if self
                .definition("ORDER", namespace, key)
                .is_none_or(|d| d.type_name != "id")
            {
                return Err(TopLevelError {
                    message: "Metafield definition of type 'id' is required when using custom ids."
                        .into(),
                    code: "NOT_FOUND",
                });
            }
            self.orders
                .iter()
                .find(|o| o.metafield(namespace, key) == Some(value))
        };
        Ok(json!({ "orderByIdentifier": found.map(render::order) }))
    }
}
