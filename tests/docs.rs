//! The user documentation cannot go stale.
//!
//! - Every link and every repository path named in README.md, docs/ and profiles/README.md
//!   resolves (files, and `#anchors` to headings).
//! - The command-line synopsis in the README lists only options `--help` knows.
//! - Every shell block (```` ```sh ````) of README.md and docs/ runs, in order, in a scratch copy
//!   of the repository (scenarios, profiles, scripts), with `nuspin` on PATH, so the commands as
//!   printed are the commands tested. Shims stand in for what the test must not do for real:
//!   `cargo` (`run --release --` runs the built binary; `test`, `build`, `install` are CI's own
//!   steps), `python3 -m venv .venv` and `.venv/bin/pip install` (the venv is `NUSPIN_H5PY`'s
//!   Python, which must have h5py, numpy and matplotlib), `parallel` (a sequential stand-in) and
//!   Slurm (the job script runs once per array task).
//! - Numbers the README quotes from a run are compared with that run.
//! - Every complete scenario shown in a ```` ```toml ```` block is a valid scenario.
//!
//! Blocks that call Python are skipped with a note when `NUSPIN_H5PY` is not set (CI sets it,
//! and sets `NUSPIN_DOCS_REQUIRE_PYTHON=1` so that nothing is skipped there). The two blocks
//! that take minutes (the whole-Sun runs) are in the `#[ignore]`d test, which `.ci/run` runs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The user-facing Markdown files.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("profiles/README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// A fenced code block: its language, first line number and text.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

/// Splits Markdown into fenced blocks and the prose outside them (code lines blanked, so line
/// numbers still match).
fn split(md: &str) -> (Vec<Block>, String) {
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut current: Option<Block> = None;
    for (i, line) in md.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut current, fence) {
            (None, true) => {
                current = Some(Block {
                    lang: line.trim_start().trim_start_matches('`').trim().to_string(),
                    line: i + 2,
                    text: String::new(),
                });
                prose.push('\n');
            }
            (Some(_), true) => {
                blocks.push(current.take().unwrap());
                prose.push('\n');
            }
            (Some(b), false) => {
                b.text += line;
                b.text.push('\n');
                prose.push('\n');
            }
            (None, false) => {
                prose += line;
                prose.push('\n');
            }
        }
    }
    (blocks, prose)
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(md: &str) -> HashSet<String> {
    let (_, prose) = split(md);
    prose
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// `[text](target)` link targets with their line numbers.
fn links(prose: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        let mut rest = line;
        while let Some(k) = rest.find("](") {
            let after = &rest[k + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((i + 1, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    out
}

/// Markdown file names mentioned in prose outside links ("see physics.md").
fn md_mentions(prose: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        for word in line.split_whitespace() {
            if word.contains("](") || word.contains("://") {
                continue;
            }
            let word = word.trim_matches(|c: char| "()[]`'\",.;:*".contains(c));
            if word.ends_with(".md") {
                out.push((i + 1, word.to_string()));
            }
        }
    }
    out
}

/// Inline-code spans that name a file of the repository: a path under one of its folders, or
/// a Markdown file.
fn code_paths(prose: &str) -> Vec<(usize, String)> {
    const FOLDERS: [&str; 8] = [
        "scenarios/",
        "scripts/",
        "profiles/",
        "docs/",
        "tests/",
        "examples/",
        "src/",
        "benches/",
    ];
    let mut out = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        for (k, span) in line.split('`').enumerate() {
            let is_path = k % 2 == 1
                && !span.is_empty()
                && span
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c));
            if is_path && (FOLDERS.iter().any(|f| span.starts_with(f)) || span.ends_with(".md")) {
                out.push((i + 1, span.to_string()));
            }
        }
    }
    out
}

#[test]
fn links_and_paths_resolve() {
    let mut problems = Vec::new();
    for file in doc_files() {
        let md = std::fs::read_to_string(&file).unwrap();
        let dir = file.parent().unwrap();
        let name = file.strip_prefix(root()).unwrap().display().to_string();
        let (_, prose) = split(&md);
        for (line, target) in links(&prose) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            if !resolved.exists() {
                problems.push(format!("{name}:{line}: link to missing {target}"));
                continue;
            }
            if path.contains("../shared") || path.starts_with('/') {
                problems.push(format!(
                    "{name}:{line}: {target} points outside the repository"
                ));
            }
            if let Some(anchor) = anchor {
                let text = std::fs::read_to_string(&resolved).unwrap_or_default();
                if !anchors(&text).contains(anchor) {
                    problems.push(format!("{name}:{line}: no heading for #{anchor} in {path}"));
                }
            }
        }
        for (line, path) in code_paths(&prose).into_iter().chain(md_mentions(&prose)) {
            let found = root().join(&path).exists() || dir.join(&path).exists();
            if !found {
                problems.push(format!("{name}:{line}: `{path}` does not exist"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn command_line_synopsis_matches_help() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let (blocks, _) = split(&readme);
    let synopsis = blocks
        .iter()
        .find(|b| b.lang == "text" && b.text.contains("nuspin run SCENARIO"))
        .expect("README has the command-line synopsis");
    let mut checked = 0;
    for line in synopsis.text.lines().filter(|l| l.starts_with("nuspin ")) {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        let sub: Vec<&str> = words
            .iter()
            .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            .copied()
            .collect();
        let help = Command::new(env!("CARGO_BIN_EXE_nuspin"))
            .args(&sub)
            .arg("--help")
            .output()
            .unwrap();
        assert!(
            help.status.success(),
            "nuspin {} --help failed",
            sub.join(" ")
        );
        let help = String::from_utf8_lossy(&help.stdout);
        for flag in words.iter().filter_map(|w| {
            let w = w.trim_start_matches('[');
            w.starts_with('-').then(|| w.trim_end_matches(']'))
        }) {
            assert!(
                help.contains(flag),
                "README synopsis: `nuspin {}` has no option {flag}",
                sub.join(" ")
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} options checked");
}

/// Which Python runs the docs' `.venv/bin/python`, if any.
fn python() -> Option<PathBuf> {
    let py = PathBuf::from(std::env::var_os("NUSPIN_H5PY")?);
    let ok = Command::new(&py)
        .args(["-c", "import h5py, numpy, matplotlib"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var_os("NUSPIN_DOCS_REQUIRE_PYTHON").is_some() {
        panic!(
            "NUSPIN_H5PY={} lacks h5py, numpy or matplotlib",
            py.display()
        );
    }
    ok.then_some(py)
}

fn write_exec(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "__pycache__" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch copy of the repository's inputs, with the shims described in the module docs.
fn sandbox(python: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["scenarios", "profiles", "scripts"] {
        copy_dir(&root().join(sub), &d.join(sub));
    }
    for sub in ["docs/figures", "out", "bin", "target/release", ".venv/bin"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let nuspin = Path::new(env!("CARGO_BIN_EXE_nuspin"));
    std::os::unix::fs::symlink(nuspin, d.join("bin/nuspin")).unwrap();
    std::os::unix::fs::symlink(nuspin, d.join("target/release/nuspin")).unwrap();
    write_exec(
        &d.join("bin/cargo"),
        "#!/bin/bash\n\
         case \"$1 $2\" in\n\
         \"run --release\") shift 2; [ \"$1\" = \"--\" ] && shift; exec nuspin \"$@\" ;;\n\
         \"test --release\"|\"build --release\"|\"install --path\") exit 0 ;;\n\
         *) echo \"docs test: cargo $* is not shimmed\" >&2; exit 1 ;;\n\
         esac\n",
    );
    write_exec(
        &d.join("bin/parallel"),
        "#!/bin/bash\n\
         # parallel -j N CMD... ::: ARGS: run CMD once per ARG with {} replaced, one at a time.\n\
         [ \"$1\" = \"-j\" ] && shift 2\n\
         cmd=(); while [ \"$1\" != \":::\" ]; do cmd+=(\"$1\"); shift; done; shift\n\
         for arg in \"$@\"; do \"${cmd[@]//\\{\\}/$arg}\" || exit 1; done\n",
    );
    if let Some(py) = python {
        // A script, not a symlink: a venv's Python finds its packages from the path it is
        // called by.
        write_exec(
            &d.join(".venv/bin/python"),
            &format!("#!/bin/bash\nexec {} \"$@\"\n", py.display()),
        );
        write_exec(
            &d.join(".venv/bin/pip"),
            &format!(
                "#!/bin/bash\n\
                 # pip install -r scripts/requirements.txt: check instead of installing.\n\
                 [ \"$1 $2 $3\" = \"install -r scripts/requirements.txt\" ] || exit 1\n\
                 exec {} -c 'import h5py, numpy, matplotlib'\n",
                py.display()
            ),
        );
        write_exec(
            &d.join("bin/python3"),
            &format!(
                "#!/bin/bash\n\
                 [ \"$1 $2 $3\" = \"-m venv .venv\" ] && exit 0\n\
                 exec {} \"$@\"\n",
                py.display()
            ),
        );
    }
    dir
}

/// Blocks that take minutes: only in the ignored test.
const SLOW: [&str; 2] = [
    "run scenarios/solar-8b.toml",
    "run scenarios/solar-8b-earth.toml",
];

fn needs_python(text: &str) -> bool {
    text.contains("python")
}

/// Runs the shell blocks of one file (slow ones or the others) in a fresh sandbox; returns it.
fn run_blocks(file: &str, slow: bool, python: Option<&Path>) -> Option<tempfile::TempDir> {
    let md = std::fs::read_to_string(root().join(file)).unwrap();
    let (blocks, _) = split(&md);
    let dir = sandbox(python);
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for block in blocks.iter().filter(|b| b.lang == "sh") {
        if SLOW.iter().any(|s| block.text.contains(s)) != slow {
            continue;
        }
        if needs_python(&block.text) && python.is_none() {
            eprintln!(
                "note: {file}:{} needs Python (set NUSPIN_H5PY); skipped",
                block.line
            );
            continue;
        }
        // A Slurm job script runs once per array task.
        let tasks: Vec<String> = match block
            .text
            .lines()
            .find_map(|l| l.strip_prefix("#SBATCH --array="))
        {
            Some(range) => {
                let (a, b) = range.trim().split_once('-').unwrap();
                let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
                (a..=b).map(|k| k.to_string()).collect()
            }
            None => vec![String::new()],
        };
        for task in tasks {
            let out = Command::new("bash")
                .args(["-euo", "pipefail", "-c", &block.text])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("SLURM_ARRAY_TASK_ID", &task)
                .env("MPLBACKEND", "Agg")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{file}:{}: the block failed ({}):\n{}\nstdout:\n{}\nstderr:\n{}",
                block.line,
                out.status,
                block.text,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        ran += 1;
    }
    eprintln!("{file}: ran {ran} shell blocks");
    Some(dir)
}

/// The recoil ratio to the Standard Model the README quotes ("21.7-fold at T = 1 keV, …"),
/// against the reactor-gemma run's `/detector/recoil_ratio_to_sm` at the nearest recoil energy.
fn check_gemma_numbers(sandbox: &Path) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("lifts the spectrum")
        .expect("the GEMMA sentence");
    let end = start
        + readme[start..]
            .find("the run)")
            .expect("the end of the sentence");
    // Line breaks in the Markdown source are spaces.
    let sentence = readme[start..end].replace('\n', " ");
    let file = nuspin::output::read_output(&sandbox.join("out/reactor-gemma.h5")).unwrap();
    let t = &file
        .derived
        .iter()
        .find(|d| d.path == "detector/recoil_mev")
        .unwrap()
        .values;
    let ratio = &file
        .derived
        .iter()
        .find(|d| d.path == "detector/recoil_ratio_to_sm")
        .unwrap()
        .values;
    let at = |t_mev: f64| {
        let k = (0..t.len())
            .min_by(|&a, &b| (t[a] - t_mev).abs().total_cmp(&(t[b] - t_mev).abs()))
            .unwrap();
        ratio[k]
    };
    // (quoted text, recoil energy in MeV, ratio it states, digits quoted)
    let quoted = [
        ("21.7-fold at T = 1 keV", 1e-3, 21.7, 0.05),
        ("3.03-fold at T = 10.2 keV", 10.2e-3, 3.03, 0.005),
        ("by 2.9 % at T = 0.99 MeV", 0.99, 1.029, 0.0005),
    ];
    for (text, t_mev, value, half_digit) in quoted {
        assert!(
            sentence.contains(text),
            "README no longer says \"{text}\"; update this test"
        );
        let got = at(t_mev);
        assert!(
            (got - value).abs() <= half_digit,
            "README: \"{text}\", the run gives {got:.4}"
        );
    }
}

#[test]
fn readme_and_docs_commands_run() {
    let python = python();
    let readme = run_blocks("README.md", false, python.as_deref());
    if python.is_some() {
        check_gemma_numbers(readme.unwrap().path());
    }
    for file in doc_files().iter().skip(1) {
        let file = file.strip_prefix(root()).unwrap().to_str().unwrap();
        run_blocks(file, false, python.as_deref());
    }
}

#[test]
#[ignore = "the whole-Sun runs take minutes; .ci/run runs this"]
fn readme_and_docs_slow_commands_run() {
    let python = python();
    for file in doc_files() {
        let file = file.strip_prefix(root()).unwrap().to_str().unwrap();
        run_blocks(file, true, python.as_deref());
    }
}

#[test]
fn scenario_examples_in_docs_are_valid() {
    let mut checked = 0;
    for file in doc_files() {
        let md = std::fs::read_to_string(&file).unwrap();
        let (blocks, _) = split(&md);
        for block in blocks.iter().filter(|b| b.lang == "toml") {
            // Fragments (a lone [scan] table) are not scenarios.
            if !block.text.contains("[neutrino]") {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("example.toml");
            std::fs::write(&path, &block.text).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_nuspin"))
                .args(["medium", "sample", "--points", "2"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}:{}: the example scenario is invalid: {}",
                file.display(),
                block.line,
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "no example scenario found in the docs");
}
