//! Every SQL statement uses bound parameters: no SQL text is ever built with `format!`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", "CREATE ", "DROP ", "PRAGMA ",
];

#[test]
fn no_sql_is_built_by_string_formatting() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    assert!(files.len() > 5, "the scan found no source");
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf-8 source");
        for (index, _) in text.match_indices("format!(") {
            let call: String = text[index..].chars().take(400).collect();
            let call = call.split(");").next().unwrap_or(&call);
            if SQL_WORDS.iter().any(|word| call.contains(word)) {
                offenders.push(format!(
                    "{}: {}",
                    file.display(),
                    call.lines().next().unwrap_or("")
                ));
            }
        }
        for needle in [
            "execute(&format",
            "query_row(&format",
            "prepare(&format",
            "execute_batch(&format",
        ] {
            if text.contains(needle) {
                offenders.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL built with format!: {offenders:#?}"
    );
}
