use super::*;

#[test]
fn every_read_model_table_has_a_snapshot_query() {
    let listed: Vec<&str> = SNAPSHOT_QUERIES.iter().map(|(t, _)| *t).collect();
    let mut tables = tables();
    tables.sort_unstable();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_unstable();
    assert_eq!(tables, listed_sorted);
}
