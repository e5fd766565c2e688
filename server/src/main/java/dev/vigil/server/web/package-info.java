/** The dashboard single-page app and the token login of {@code vigil serve}. */
package dev.vigil.server.web;
