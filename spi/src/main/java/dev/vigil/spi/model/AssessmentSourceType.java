package dev.vigil.spi.model;

/** Who made an assessment. */
public enum AssessmentSourceType {
    /** A person (an end user's thumbs-down, a reviewer's label). */
    HUMAN,
    /** An LLM judge; the source id is the judge model URI. */
    LLM_JUDGE,
    /** Code: a Java or Python scorer; the source id names it. */
    CODE,
    /** Unknown or unspecified source. */
    SOURCE_TYPE_UNSPECIFIED
}
