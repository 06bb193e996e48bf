use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::lock;
use crate::error::{Error, Result};
use crate::ports::{Journal, JournalEntry, JournalState, Leftover};

#[derive(Clone, Default)]
pub struct MemoryJournal {
    entries: Arc<Mutex<Vec<JournalEntry>>>,
}

impl MemoryJournal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every entry, for tests.
    pub fn entries(&self) -> Vec<JournalEntry> {
        lock(&self.entries).clone()
    }
}

#[async_trait]
impl Journal for MemoryJournal {
    async fn start(&self, entry: &JournalEntry) -> Result<()> {
        lock(&self.entries).push(entry.clone());
        Ok(())
    }

    async fn finish(&self, id: &str, state: JournalState, left_behind: &[Leftover]) -> Result<()> {
        let mut entries = lock(&self.entries);
        let entry = entries
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| Error::not_found(format!("no journal entry {id}")))?;
        entry.state = state;
        entry.left_behind = left_behind.to_vec();
        Ok(())
    }

    async fn open_entries(&self) -> Result<Vec<JournalEntry>> {
        Ok(lock(&self.entries)
            .iter()
            .filter(|e| matches!(e.state, JournalState::Started | JournalState::LeftBehind))
            .cloned()
            .collect())
    }
}
