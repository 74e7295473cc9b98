//! OpsItems (O&M items): each kept as the record the actions answer with, by ID, in the order
//! they were created.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::model::{executed_by, now};

/// The most OpsItems kept; past it, creating one is refused.
pub(crate) const MAX_OPS_ITEMS: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct OpsItems {
    items: BTreeMap<String, Map<String, Value>>,
    /// IDs in creation order: lists answer oldest first.
    order: Vec<String>,
}

impl OpsItems {
    pub fn get(&self, id: &str) -> Option<&Map<String, Value>> {
        self.items.get(id)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn all(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.order.iter().filter_map(|id| self.items.get(id))
    }

    /// Stores a new OpsItem with `fields` (the documented keys the request set) and answers
    /// its record: an ID, `Open`, created and modified now by the caller's account.
    pub fn create(&mut self, fields: Map<String, Value>) -> Map<String, Value> {
        let id = loop {
            let id = format!("oi-{}", hex::encode(rand::random::<[u8; 10]>()));
            if !self.items.contains_key(&id) {
                break id;
            }
        };
        let at = now();
        let mut record = Map::new();
        record.insert("OpsItemId".into(), id.clone().into());
        record.insert("Status".into(), "Open".into());
        record.insert("CreateDate".into(), at.clone().into());
        record.insert("UpdateDate".into(), at.into());
        record.insert("CreatedBy".into(), executed_by().into());
        record.insert("CreateBy".into(), executed_by().into());
        record.insert("LastModifiedBy".into(), executed_by().into());
        record.extend(fields);
        self.items.insert(id.clone(), record.clone());
        self.order.push(id);
        record
    }

    /// Removes every OpsItem of `ids`, or none when one of them does not exist (its ID is
    /// the error).
    pub fn remove_all(&mut self, ids: &[String]) -> Result<(), String> {
        if let Some(missing) = ids.iter().find(|id| !self.items.contains_key(*id)) {
            return Err(missing.clone());
        }
        for id in ids {
            self.items.remove(id);
        }
        self.order.retain(|id| self.items.contains_key(id));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_items_are_listed_in_order_and_removed_all_or_none() {
        let mut items = OpsItems::default();
        let a = items.create(Map::new());
        let b = items.create(Map::new());
        let ids = |items: &OpsItems| -> Vec<Value> {
            items.all().map(|r| r["OpsItemId"].clone()).collect()
        };
        assert_eq!(
            ids(&items),
            [a["OpsItemId"].clone(), b["OpsItemId"].clone()]
        );
        let a_id = a["OpsItemId"].as_str().unwrap().to_owned();
        assert_eq!(
            items.remove_all(&[a_id.clone(), "oi-none".into()]),
            Err("oi-none".into())
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items.remove_all(&[a_id]), Ok(()));
        assert_eq!(ids(&items), [b["OpsItemId"].clone()]);
    }
}
