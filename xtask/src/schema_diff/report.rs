//! The changes as `cargo xtask diff` prints them (per model, the worst
//! first) and as an entry of CHANGELOG.md (per class, then model).

use std::path::Path;

use super::{verdict, Change, Class, DiffError};

/// The changes from `base` (a label such as `segmind-v0.1.0`) to the working
/// tree, per model, each line `class  field: what`, with the verdict first.
pub fn render(changes: &[Change], base: &str) -> String {
    let mut out = match verdict(changes) {
        None => format!("no schema changes from {base} to the working tree\n"),
        Some(class) => {
            let models = models(changes).len();
            format!(
                "schema changes from {base} to the working tree: {} in {models} model{}; verdict: {class}\n",
                plural(changes.len(), "change"),
                if models == 1 { "" } else { "s" },
            )
        }
    };
    for model in models(changes) {
        out.push_str(&format!("\n{model}\n"));
        let mut mine: Vec<&Change> = changes.iter().filter(|c| c.model == model).collect();
        mine.sort_by_key(|c| std::cmp::Reverse(c.class));
        for c in mine {
            out.push_str(&format!("  {:<9} {c}\n", c.class.word()));
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn models(changes: &[Change]) -> Vec<&str> {
    let mut models: Vec<&str> = changes.iter().map(|c| c.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    models
}

/// The CHANGELOG.md entry: `## Unreleased`, then one list per class, worst
/// first, each line naming the model and field.
pub fn changelog_entry(changes: &[Change], base: &str) -> String {
    let mut out = String::from("## Unreleased\n\n");
    match verdict(changes) {
        None => {
            out.push_str(&format!("No schema changes since {base}.\n"));
            return out;
        }
        Some(class) => out.push_str(&format!("Schema changes since {base}; verdict: {class}.\n")),
    }
    for class in [Class::Breaking, Class::Additive, Class::Cosmetic] {
        let of: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if of.is_empty() {
            continue;
        }
        let title = match class {
            Class::Breaking => "Breaking",
            Class::Additive => "Added",
            Class::Cosmetic => "Docs",
        };
        out.push_str(&format!("\n### {title}\n\n"));
        for c in of {
            out.push_str(&format!("- `{}`: {c}\n", c.model));
        }
    }
    out
}

/// Puts `entry` into the changelog at `path`: it replaces an `## Unreleased`
/// section already there, or goes before the first release's section; a
/// missing file is created with a `# Changelog` title.
pub fn update_changelog(path: &Path, entry: &str) -> Result<(), DiffError> {
    let io = |source| DiffError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Changelog\n".to_owned(),
        Err(e) => return Err(io(e)),
    };
    let sections: Vec<usize> = line_starts(&text)
        .filter(|&i| text[i..].starts_with("## "))
        .collect();
    let (before, after) = match sections.first() {
        Some(&first) if text[first..].starts_with("## Unreleased") => {
            let end = sections.get(1).copied().unwrap_or(text.len());
            (&text[..first], &text[end..])
        }
        Some(&first) => (&text[..first], &text[first..]),
        None => (text.as_str(), ""),
    };
    let mut new = before.trim_end().to_owned();
    new.push_str("\n\n");
    new.push_str(entry.trim_end());
    new.push('\n');
    if !after.is_empty() {
        new.push('\n');
        new.push_str(after);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut file, new.as_bytes()).map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1))
}
