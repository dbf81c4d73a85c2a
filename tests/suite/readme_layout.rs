//! The README's architecture table and the tracked source tree agree: every path it names
//! exists, and every top-level entry of `src/` is explained there.

use std::path::Path;

#[test]
fn readme_architecture_table_matches_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let listed: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `src/"))
        .filter_map(|rest| rest.split('`').next())
        .map(|p| p.trim_end_matches('/').to_string())
        .collect();
    assert!(
        !listed.is_empty(),
        "no architecture table found in README.md"
    );
    for entry in &listed {
        assert!(
            root.join("src").join(entry).exists(),
            "README names src/{entry}, which does not exist"
        );
    }
    for dir_entry in std::fs::read_dir(root.join("src")).unwrap() {
        let name = dir_entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            listed.contains(&name),
            "src/{name} is not explained in the README's architecture table"
        );
    }
}
