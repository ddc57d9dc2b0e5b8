//! The command line as users see it: snapshots of the help screens, the
//! model list, and clap's own refusals.

mod common;

use common::command;

fn stdout_of(args: &[&str]) -> String {
    let output = command().args(args).assert().success().get_output().clone();
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn root_help() {
    insta::assert_snapshot!("root_help", stdout_of(&["--help"]));
}

#[test]
fn hallo_help() {
    insta::assert_snapshot!("hallo_help", stdout_of(&["hallo", "--help"]));
}

#[test]
fn every_model_has_a_subcommand_with_its_flags() {
    for model in segmind::models::ALL {
        let help = stdout_of(&[model.slug, "--help"]);
        assert!(help.contains(model.summary), "{}", model.slug);
        for field in model.fields {
            let flag = format!("--{}", field.name.replace('_', "-"));
            assert!(help.contains(&flag), "{} lacks {flag}", model.slug);
        }
    }
}

#[test]
fn models_lists_every_model() {
    let table = stdout_of(&["models"]);
    assert!(table.starts_with("MODEL "), "{table}");
    let list: serde_json::Value =
        serde_json::from_str(&stdout_of(&["models", "--json"])).expect("JSON");
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), segmind::models::ALL.len());
    for (entry, model) in list.iter().zip(segmind::models::ALL) {
        assert!(
            table.contains(model.slug) && table.contains(model.summary),
            "{table}"
        );
        assert_eq!(entry["slug"], model.slug);
        assert_eq!(entry["title"], model.title);
        assert_eq!(entry["summary"], model.summary);
        assert_eq!(
            entry["typical_latency_seconds"].as_f64(),
            model.typical_latency_seconds
        );
        assert_eq!(entry["typical_price_usd"].as_f64(), model.typical_price_usd);
    }
}

#[test]
fn clap_checks_closed_sets_and_types() {
    let output = command()
        .args([
            "sadtalker",
            "--input-image",
            "a.png",
            "--input-audio",
            "a.mp3",
            "--preprocess",
            "zoom",
            "--dry-run",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("[possible values: crop, extcrop, resize, full, extfull]"),
        "{stderr}"
    );

    command()
        .args([
            "hallo",
            "--input-image",
            "a.png",
            "--input-audio",
            "a.mp3",
            "--pose-weight",
            "heavy",
            "--dry-run",
        ])
        .assert()
        .code(2);
    command()
        .args(["hallo", "--input-image", "a.png", "--dry-run"])
        .assert()
        .code(2);
}

#[test]
fn completions_cover_every_model_and_its_flags_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}");
        for model in segmind::models::ALL {
            assert!(script.contains(model.slug), "{shell} lacks {}", model.slug);
            for field in model.fields {
                let flag = field.name.replace('_', "-");
                assert!(script.contains(&flag), "{shell} lacks {flag}");
            }
        }
    }
    let refused = command()
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty());
}
