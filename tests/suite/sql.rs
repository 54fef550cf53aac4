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

/// The text of a macro call, up to its closing parenthesis (strings taken into account).
fn macro_call(text: &str) -> &str {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

#[test]
fn the_scan_sees_sql_in_a_format_call_and_nothing_else() {
    let call = macro_call("format!(\"SELECT {} FROM t\", x) + \"other\"");
    assert_eq!(call, "format!(\"SELECT {} FROM t\", x)");
    assert!(SQL_WORDS.iter().any(|w| call.contains(w)));
    assert_eq!(
        macro_call("format!(\"a ) b\", f(x)); SELECT "),
        "format!(\"a ) b\", f(x))"
    );
}

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
            let call = macro_call(&text[index..]);
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
