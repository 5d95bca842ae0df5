//! `make test` runs the bench in quick mode and checks that its output is well-formed (never the numbers: those
//! are what `make bench` reports).

use std::process::Command;

#[test]
fn quick_bench_output_is_well_formed() {
    let out_file = std::env::temp_dir().join(format!("opwallet-bench-{}.json", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_opwallet-bench"))
        .args(["--quick", "--no-wall-time", "--out"])
        .arg(&out_file)
        .output()
        .expect("the bench runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let table = String::from_utf8_lossy(&out.stdout);
    for heading in ["gas (receipt gasUsed)", "marginal cost of one more signature", "target"] {
        assert!(table.contains(heading), "table lacks `{heading}`:\n{table}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).expect("results written")).expect("JSON");
    let rows = json["gas"].as_array().expect("gas rows");
    let operations = [
        "deploy (factory + setup)",
        "execute no-op, first use",
        "execute no-op, steady",
        "execute registerAsOperator",
        "isValidSignature (execution gas)",
        "registerOperatorToAVS (whole tx)",
        "operator-sent AVS registration (whole tx)",
        "replace a signer",
        "add a signer",
        "change threshold",
    ];
    assert_eq!(rows.len(), operations.len(), "one row per operation for the 2-of-3 set");
    for (row, op) in rows.iter().zip(operations) {
        assert_eq!(row["operation"], op);
        assert_eq!(row["signers"], "2-of-3");
        let (o, s) = (row["opwallet"].as_u64().expect("opwallet gas"), row["safe"].as_u64().expect("safe gas"));
        assert!(o > 0 && s > 0, "{op}: gas must be positive");
        let ratio = row["ratio"].as_f64().expect("ratio");
        assert!((ratio - o as f64 / s as f64).abs() < 1e-9, "{op}: ratio is opwallet / Safe");
        assert!(table.contains(op), "table lacks {op}");
    }
    for t in json["targets"].as_array().expect("targets") {
        assert_eq!(
            t["met"].as_bool(),
            Some(t["value"].as_f64().expect("value") <= t["limit"].as_f64().expect("limit"))
        );
    }
    assert!(json["anvil"].as_str().expect("anvil version").starts_with("anvil"));
    let _ = std::fs::remove_file(out_file);
}
