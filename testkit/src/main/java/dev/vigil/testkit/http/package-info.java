/**
 * Scripted HTTP servers on loopback for provider tests: each request is answered by the next scripted reply
 * (a status, headers, a body, a delay, or a dropped connection) and recorded for assertions.
 */
package dev.vigil.testkit.http;
