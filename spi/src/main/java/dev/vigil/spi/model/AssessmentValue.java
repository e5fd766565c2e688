package dev.vigil.spi.model;

/** What an assessment holds: exactly one of a {@link FeedbackValue} or an {@link ExpectationValue}. */
public sealed interface AssessmentValue permits FeedbackValue, ExpectationValue {}
