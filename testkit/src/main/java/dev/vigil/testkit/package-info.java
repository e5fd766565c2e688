/** Test kit: conformance suites, fixtures, generators, loopback servers. */
package dev.vigil.testkit;
