//! The committed artifacts are exactly what the pinned compiler makes of today's contracts.

#[test]
fn committed_artifacts_match_a_fresh_compile() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_opwallet-artifacts")).arg("--check").output().expect("runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
