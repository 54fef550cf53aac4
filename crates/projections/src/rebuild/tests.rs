use super::*;
use crate::registry::tables;

#[test]
fn every_read_model_table_can_be_swapped() {
    let mut listed: Vec<&str> = SWAP_STATEMENTS.iter().map(|(t, _, _)| *t).collect();
    listed.sort_unstable();
    let mut all = tables();
    all.sort_unstable();
    assert_eq!(listed, all);
}
