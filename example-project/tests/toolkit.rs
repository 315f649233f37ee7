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

#[test]
fn caesar_shifts_undo_each_other_and_leave_other_characters_alone() {
    let text = "The quick brown fox jumps over the lazy dog! 0-9 ünï";
    for k in [0u8, 1, 7, 13, 25, 26, 200, 255] {
        let there = caesar_shift(text, k);
        let back = caesar_shift(&there, (26 - k % 26) % 26);
        assert_eq!(back, text, "shift {k}");
        assert_eq!(there.chars().count(), text.chars().count());
    }
    assert_eq!(caesar_shift("Zz", 1), "Aa");
    assert_eq!(caesar_shift("0-9 üéï", 3), "0-9 üéï");
}

#[test]
fn hex_colours_have_two_lowercase_digits_per_channel() {
    for (r, g, b) in [(0, 0, 0), (15, 16, 17), (171, 205, 239), (255, 0, 128)] {
        let hex = rgb_to_hex(r, g, b);
        assert_eq!(hex.len(), 7, "{hex}");
        assert!(hex.starts_with('#'));
        assert_eq!(hex, hex.to_lowercase());
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
        assert_eq!((channel(1), channel(3), channel(5)), (r, g, b));
    }
}

#[test]
fn reversing_words_twice_normalises_spacing() {
    for text in [
        "a b c",
        "  lead and trail  ",
        "tabs\tand\nnewlines",
        "",
        "one",
    ] {
        let normalised = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(reverse_words(&reverse_words(text)), normalised, "{text:?}");
    }
    assert_eq!(reverse_words("ünï cödé"), "cödé ünï");
}

#[test]
fn medians_split_the_values_in_half() {
    assert_eq!(median(&[5.0, -1.0, 3.0, 3.0, 10.0]), Some(3.0));
    assert_eq!(median(&[-2.0, -4.0]), Some(-3.0));
    // The input is not reordered.
    let values = [9.0, 1.0, 5.0];
    assert_eq!(median(&values), Some(5.0));
    assert_eq!(values, [9.0, 1.0, 5.0]);
    for n in 1..40 {
        let values: Vec<f64> = (0..n).map(|i| ((i * 37) % n) as f64).collect();
        let m = median(&values).unwrap();
        let below = values.iter().filter(|&&v| v < m).count();
        let above = values.iter().filter(|&&v| v > m).count();
        assert!(below <= n / 2 && above <= n / 2, "n = {n}, median {m}");
    }
}

#[test]
fn durations_show_only_their_nonzero_parts() {
    assert_eq!(format_duration(1), "1s");
    assert_eq!(format_duration(3600), "1h");
    assert_eq!(format_duration(3660), "1h 1m");
    assert_eq!(format_duration(86_399), "23h 59m 59s");
    assert_eq!(format_duration(360_000), "100h");
    for seconds in (0..20_000).step_by(97) {
        let text = format_duration(seconds);
        let total: u64 = text
            .split(' ')
            .map(|part| {
                let (number, unit) = part.split_at(part.len() - 1);
                let n: u64 = number.parse().unwrap();
                n * match unit {
                    "h" => 3600,
                    "m" => 60,
                    _ => 1,
                }
            })
            .sum();
        assert_eq!(total, seconds, "{text}");
    }
}

#[test]
fn anagrams_ignore_case_spaces_and_punctuation_but_count_letters() {
    assert!(is_anagram("Astronomer", "Moon starer"));
    assert!(is_anagram("Conversation!", "Voices rant on"));
    assert!(is_anagram("a1b2", "2b1a"));
    // Same letters, different counts.
    assert!(!is_anagram("aabb", "ab"));
    assert!(!is_anagram("abc", "abcd"));
    // Only punctuation on both sides: two empty letter sets.
    assert!(is_anagram("!!", "?"));
    assert!(is_anagram("Ünïcödé", "édöcïnü"));
}

#[test]
fn clamp_keeps_values_in_the_range_and_leaves_the_inside_alone() {
    for (low, high) in [(0, 0), (-5, 5), (i64::MIN, 0), (0, i64::MAX), (10, 20)] {
        for value in [i64::MIN, -6, -5, 0, 4, 5, 15, 21, i64::MAX] {
            let result = clamp(value, low, high);
            assert!(
                low <= result && result <= high,
                "clamp({value}, {low}, {high})"
            );
            if (low..=high).contains(&value) {
                assert_eq!(result, value);
            }
        }
    }
}

#[test]
fn lcm_is_a_multiple_of_both_and_built_on_gcd() {
    for a in 1..40u64 {
        for b in 1..40u64 {
            let m = lcm(a, b);
            assert!(
                m.is_multiple_of(a) && m.is_multiple_of(b),
                "lcm({a}, {b}) = {m}"
            );
            assert_eq!(m * gcd(a, b), a * b, "lcm({a}, {b})");
        }
    }
    assert_eq!(lcm(0, 9), 0);
}
