package io.github.expandcontract.verify;

/** The latest verification of a migration. */
public enum VerificationStatus {
    NOT_RUN, RUNNING, PASSED, FAILED
}
