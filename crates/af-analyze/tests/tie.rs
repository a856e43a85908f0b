//! The port of the Technique Inference Engine's prediction against the reference predictions
//! computed with numpy (`shared/tie/reference-predictions.json`): the top 20 of every case in
//! the same order, scores within 1e-4. And the committed data file against the model files.

use af_analyze::suggest::{tie_data, Model};
use std::path::PathBuf;

fn shared(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("tie").is_dir() {
        Some(dir)
    } else {
        println!("skipped {test}: no shared/tie (set AFC_SHARED)");
        None
    }
}

#[test]
fn embedded_model_has_596_techniques_of_four_numbers() {
    let m = Model::embedded();
    assert_eq!(m.ids().len(), 596);
    assert!(m.knows("T1059.001") && m.knows("t1566"));
    assert!(!m.knows("AML.T0051"));
}

#[test]
fn top_20_of_every_reference_case() {
    let Some(dir) = shared("top_20_of_every_reference_case") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("tie/reference-predictions.json")).expect("reference file");
    let reference: serde_json::Value = serde_json::from_str(&text).expect("reference JSON");
    let cases = reference["cases"].as_object().expect("cases");
    assert_eq!(cases.len(), 5);
    for (name, case) in cases {
        let observed: Vec<&str> = case["observed"]
            .as_array()
            .expect("observed")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let expected = case["top20"].as_array().expect("top20");
        let got = Model::embedded().predict(&observed);
        assert_eq!(expected.len(), 20);
        for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
            assert_eq!(e["id"].as_str(), Some(g.id.as_str()), "{name}: rank {}", i + 1);
            let score = e["score"].as_f64().expect("score");
            assert!(
                (score - g.score).abs() < 1e-4,
                "{name}: {} {} vs {}",
                g.id,
                g.score,
                score
            );
        }
        for id in &observed {
            assert!(
                !got.iter().any(|s| s.id == *id),
                "{name}: observed {id} suggested"
            );
        }
    }
}

#[test]
fn committed_data_matches_the_model_files() {
    let Some(dir) = shared("committed_data_matches_the_model_files") else {
        return;
    };
    let read =
        |n: &str| tie_data::Npy::parse(&std::fs::read(dir.join("tie").join(n)).expect("npy")).expect("parse");
    let text = tie_data::generate(
        &read("V.npy"),
        &read("technique_ids.npy"),
        &read("hyperparameters.npy"),
    )
    .expect("generate");
    assert!(
        text == af_analyze::suggest::EMBEDDED_DATA,
        "data/tie.tsv is stale: run cargo run -p af-analyze --bin gen-tie"
    );
}

#[test]
fn hostile_npy_is_an_error() {
    assert!(tie_data::Npy::parse(b"not numpy").is_err());
    assert!(tie_data::Npy::parse(b"\x93NUMPY\x09\x00\x00\x00").is_err());
    let mut bad = b"\x93NUMPY\x01\x00".to_vec();
    bad.extend_from_slice(&200u16.to_le_bytes());
    bad.extend_from_slice(b"{'descr': '<f4'");
    assert!(tie_data::Npy::parse(&bad).is_err());
}
