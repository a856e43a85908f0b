//! STIX 2.1 deterministic ids of cyber-observables, compared with what the OASIS `stix2`
//! library computes (`fixtures/sco-ids.json`, written by `fixtures/sco_ids.py`).

use serde_json::Value;

#[test]
fn sco_ids_match_stix2() {
    let text = include_str!("fixtures/sco-ids.json");
    let fixture: Value = serde_json::from_str(text).unwrap_or_default();
    let cases = fixture["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 20, "the fixture holds {} cases", cases.len());
    for case in cases {
        let object = &case["object"];
        let ty = object["type"].as_str().unwrap_or_default();
        let got = af_stix::id::sco_id(ty, |k| object.get(k).cloned());
        assert_eq!(got.as_deref(), case["id"].as_str(), "{object}");
    }
}
