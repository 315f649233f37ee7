//! Tests beyond the specs' examples: properties and inputs the model never saw.

use example_project::*;

#[test]
fn words_are_counted_across_any_whitespace() {
    assert_eq!(count_words("a b c"), 3);
    assert_eq!(count_words("\t\n  "), 0);
    assert_eq!(count_words("non-breaking-hyphens stay one word"), 4);
    assert_eq!(count_words("ünïcödé wörds"), 2);
}

#[test]
fn byte_sizes_pick_the_largest_unit_below_1024() {
    assert_eq!(format_bytes(512), "512 B");
    assert_eq!(format_bytes(1024), "1.0 KiB");
    assert_eq!(format_bytes(1024 * 1024 * 1024), "1.0 GiB");
    assert_eq!(format_bytes(1024u64.pow(4) * 3 / 2), "1.5 TiB");
    // TiB is the largest unit: bigger values stay in TiB.
    assert_eq!(format_bytes(1024u64.pow(5)), "1024.0 TiB");
}

#[test]
fn temperature_conversion_is_linear() {
    for c in [-273.15, -40.0, 0.0, 21.5, 100.0] {
        let f = celsius_to_fahrenheit(c);
        assert!((f - (c * 1.8 + 32.0)).abs() < 1e-9, "{c} → {f}");
    }
}

#[test]
fn miles_and_kilometres_round_trip() {
    for km in [0.5, 1.0, 10.0, 1000.0] {
        assert!((km_to_miles(km) * 1.609344 - km).abs() < 1e-9);
    }
}

#[test]
fn normalized_vectors_have_unit_length() {
    for (x, y) in [(1.0, 1.0), (-2.0, 5.0), (1e-3, 7.0)] {
        let n = normalize2d(x, y);
        assert!((n.nx * n.nx + n.ny * n.ny - 1.0).abs() < 1e-12);
        assert!((n.mag - f64::hypot(x, y)).abs() < 1e-12);
    }
    assert_eq!(
        normalize2d(0.0, 0.0),
        Normalized {
            mag: 0.0,
            nx: 0.0,
            ny: 0.0
        }
    );
}

#[test]
fn gcd_divides_both_and_is_the_greatest() {
    for (a, b) in [
        (1071, 462),
        (12, 18),
        (7, 13),
        (100, 0),
        (2u64.pow(40), 2u64.pow(20) * 3),
    ] {
        let g = gcd(a, b);
        assert_eq!(a % g, 0);
        assert_eq!(b % g, 0);
        assert_eq!(gcd(a / g, b / g), 1, "{a} {b}");
    }
}

#[test]
fn leap_years_follow_the_gregorian_rules() {
    let count = (1..=400).filter(|&y| is_leap_year(y)).count();
    assert_eq!(count, 97, "97 leap years in every 400-year cycle");
    assert!(!is_leap_year(2100));
    assert!(is_leap_year(2400));
}
