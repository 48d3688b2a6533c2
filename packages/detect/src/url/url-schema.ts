import type { FeatureInfo } from '@vigil/ml';

/** Model kind and feature-spec schema id of URL models. */
export const URL_SCHEMA_ID = 'url';

/**
 * Version of the URL feature list and of the word lists behind it: bumped whenever a feature is
 * added, removed, reordered or computed differently, so a model trained on another version is
 * refused at registration instead of scoring shifted or re-defined inputs.
 */
export const URL_SCHEMA_VERSION = 1;

/** Class names of URL models: benign first, so class 1 is the positive (malicious) class. */
export const URL_CLASS_NAMES: readonly string[] = Object.freeze(['benign', 'malicious']);

/**
 * Every URL lexical feature, in model input order (all numeric; flags are 0/1, ratios 0..1,
 * entropies in bits per character). The order is part of {@link URL_SCHEMA_VERSION}.
 */
export const URL_FEATURE_NAMES = Object.freeze([
  // lengths
  'url_length',
  'host_length',
  'path_length',
  'query_length',
  'fragment_length',
  // scheme, port, userinfo
  'scheme_https',
  'has_port',
  'port_nonstandard',
  'has_userinfo',
  // IP hosts
  'host_is_ip',
  'ip_obfuscated',
  'host_is_ipv6',
  // host structure
  'subdomain_depth',
  'has_www',
  'longest_host_label',
  'host_hyphens',
  'host_digit_ratio',
  'host_entropy',
  'domain_label_length',
  'domain_hyphens',
  'domain_digits',
  'domain_entropy',
  'suffix_length',
  'suffix_unknown',
  'suffix_private',
  'suffix_suspicious',
  // internationalised names
  'punycode_labels',
  'host_non_ascii',
  'host_mixed_scripts',
  // character classes over the whole URL
  'digit_ratio',
  'letter_ratio',
  'special_ratio',
  'url_entropy',
  'dot_count',
  'hyphen_count',
  'underscore_count',
  'tilde_count',
  'percent_count',
  'eq_count',
  'amp_count',
  'at_count',
  'slash_count',
  'double_slash_in_path',
  'http_in_path',
  'email_in_url',
  // path and query
  'path_depth',
  'path_max_token',
  'param_count',
  'ext_executable',
  'ext_server_page',
  'ext_html',
  // brands, shorteners, words
  'brand_in_subdomain',
  'brand_in_domain',
  'brand_in_path',
  'brand_official',
  'shortener',
  'suspicious_words',
] as const);

/** One URL feature name. */
export type UrlFeatureName = (typeof URL_FEATURE_NAMES)[number];

/** Number of URL features (the width of a feature row). */
export const URL_FEATURE_COUNT = URL_FEATURE_NAMES.length;

/** The features as a model feature spec lists them: name and kind, in order. */
export const URL_FEATURES: readonly FeatureInfo[] = Object.freeze(
  URL_FEATURE_NAMES.map((name) => Object.freeze({ name, kind: 'numeric' as const })),
);

/** The `url` schema: what `vigil train --schema url` stamps on a model and what the registry checks. */
export const URL_SCHEMA = Object.freeze({
  id: URL_SCHEMA_ID,
  version: URL_SCHEMA_VERSION,
  title: 'URL lexical features',
  features: URL_FEATURES,
  classNames: URL_CLASS_NAMES,
});

/** Index of each feature in a row. */
export const URL_FEATURE_INDEX: Readonly<Record<UrlFeatureName, number>> = Object.freeze(
  Object.fromEntries(URL_FEATURE_NAMES.map((name, i) => [name, i])) as Record<UrlFeatureName, number>,
);
