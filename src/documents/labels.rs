//! All labels of a batch in one PDF: the marketplace's label documents are joined as they
//! are, page after page, without redrawing them (a carrier's barcode must stay exactly as
//! printed).
//!
//! Each label keeps its own page tree: the joined document's root page node holds the labels'
//! root page nodes as children, so everything a page inherits from its tree (page size,
//! resources) stays where the label put it. Object numbers are moved apart first so no two
//! labels share one.

use lopdf::{dictionary, Document, Object, ObjectId};

/// Why labels could not be joined.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// A label is not a readable PDF.
    #[error("the label of order {code} is not a readable PDF: {reason}")]
    Unreadable {
        /// The order whose label it is.
        code: String,
        /// What the PDF reader said.
        reason: String,
    },
    /// The joined document could not be written.
    #[error("the joined labels could not be written: {0}")]
    Write(String),
}

fn root_pages(doc: &Document) -> Result<(ObjectId, ObjectId, i64), String> {
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| format!("no document catalog: {e}"))?;
    let pages_id = doc
        .get_dictionary(catalog_id)
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|e| format!("no page tree: {e}"))?;
    let count = doc
        .get_dictionary(pages_id)
        .and_then(|pages| pages.get(b"Count"))
        .and_then(Object::as_i64)
        .map_err(|e| format!("the page tree has no page count: {e}"))?;
    Ok((catalog_id, pages_id, count))
}

/// Joins `labels` (order code, PDF) into one PDF, in the order given.
///
/// # Errors
///
/// When a label is not a readable PDF (naming its order) or the result cannot be written.
pub fn join_labels(labels: &[(String, Vec<u8>)]) -> Result<Vec<u8>, JoinError> {
    let mut joined = Document::with_version("1.5");
    let mut kids = Vec::with_capacity(labels.len());
    let mut n_pages = 0;
    for (code, pdf) in labels {
        let unreadable = |reason: String| JoinError::Unreadable {
            code: code.clone(),
            reason,
        };
        let mut doc = Document::load_mem(pdf).map_err(|e| unreadable(e.to_string()))?;
        doc.renumber_objects_with(joined.max_id + 1);
        let (catalog_id, pages_id, count) = root_pages(&doc).map_err(unreadable)?;
        doc.objects.remove(&catalog_id);
        joined.max_id = doc.max_id.max(joined.max_id);
        joined.objects.extend(doc.objects);
        kids.push(pages_id);
        n_pages += count;
    }
    let root_id = joined.new_object_id();
    for kid in &kids {
        if let Ok(node) = joined.get_dictionary_mut(*kid) {
            node.set("Parent", Object::Reference(root_id));
        }
    }
    joined.objects.insert(
        root_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids.into_iter().map(Object::Reference).collect::<Vec<_>>(),
            "Count" => n_pages,
        }),
    );
    let catalog_id = joined.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => root_id,
    });
    joined.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    joined
        .save_to(&mut out)
        .map_err(|e| JoinError::Write(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::pdf::{Document as Page, Weight};
    use super::*;

    fn label(text: &str, pages: usize) -> Vec<u8> {
        let mut doc = Page::new(text);
        for page in 0..pages {
            if page > 0 {
                doc.new_page();
            }
            doc.text(&format!("{text} page {}", page + 1), 12.0, Weight::Regular);
        }
        doc.finish()
    }

    #[test]
    fn labels_are_joined_page_after_page_in_the_order_given() {
        let joined = join_labels(&[
            ("OB1".into(), label("first", 1)),
            ("OB2".into(), label("second", 2)),
        ])
        .unwrap();
        let doc = Document::load_mem(&joined).unwrap();
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        assert_eq!(pages.len(), 3);
        // Each page still finds its size and content through its own (nested) tree.
        for page in &pages {
            let dict = doc.get_dictionary(*page).unwrap();
            assert!(dict.has(b"Contents"));
        }
        let content =
            |page: ObjectId| String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(
            content(pages[0]).contains("first page 1"),
            "{}",
            content(pages[0])
        );
        assert!(
            content(pages[2]).contains("second page 2"),
            "{}",
            content(pages[2])
        );
    }

    /// A label whose page inherits its size and font from the page tree's root, as PDF
    /// allows (and label printers' software does).
    fn label_with_inherited_attributes(text: &str) -> Vec<u8> {
        use lopdf::content::{Content, Operation};
        use lopdf::Stream;
        let mut doc = Document::with_version("1.4");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![20.into(), 380.into()]),
                Operation::new("Tj", vec![Object::string_literal(text)]),
                Operation::new("ET", vec![]),
            ],
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 298.into(), 420.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    /// The value of `key` a page has or inherits from its ancestors.
    fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
        let mut node = doc.get_dictionary(page).ok()?;
        loop {
            if let Ok(value) = node.get(key) {
                return Some(value.clone());
            }
            let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
            node = doc.get_dictionary(parent).ok()?;
        }
    }

    #[test]
    fn what_a_page_inherits_from_its_label_s_tree_stays_with_it() {
        let joined = join_labels(&[
            ("OB1".into(), label("first", 1)),
            ("OB2".into(), label_with_inherited_attributes("second")),
        ])
        .unwrap();
        let doc = Document::load_mem(&joined).unwrap();
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        assert_eq!(pages.len(), 2);
        let media_box = inherited(&doc, pages[1], b"MediaBox").expect("an inherited size");
        let size: Vec<i64> = media_box
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect();
        assert_eq!(
            size,
            vec![0, 0, 298, 420],
            "the label's A6 size, not the first's"
        );
        assert!(inherited(&doc, pages[1], b"Resources").is_some());
    }

    #[test]
    fn an_unreadable_label_names_its_order() {
        let error = join_labels(&[
            ("OB1".into(), label("first", 1)),
            ("OB2".into(), b"<html>not a pdf</html>".to_vec()),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("OB2"), "{error}");
    }
}
