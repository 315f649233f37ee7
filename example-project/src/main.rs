//! A small demonstration of the toolkit: every function called here was
//! written by a local model from a spec in `intents/` and verified against
//! its examples before it was accepted.

use example_project::*;

fn main() {
    let text = "intent turns specs into verified Rust code";
    println!("count_words({text:?}) = {}", count_words(text));
    println!("format_bytes(1536) = {}", format_bytes(1536));
    println!("format_bytes(5368709120) = {}", format_bytes(5_368_709_120));
    println!(
        "celsius_to_fahrenheit(37.0) = {:.1}",
        celsius_to_fahrenheit(37.0)
    );
    println!("km_to_miles(42.195) = {:.3}", km_to_miles(42.195));
    println!("normalize2d(3.0, 4.0) = {:?}", normalize2d(3.0, 4.0));
    println!("gcd(1071, 462) = {}", gcd(1071, 462));
    let leap: Vec<u32> = (1896..=1912).filter(|&y| is_leap_year(y)).collect();
    println!("leap years 1896..=1912 = {leap:?}");
    let secret = caesar_shift("Attack at dawn!", 13);
    println!(
        "caesar_shift(\"Attack at dawn!\", 13) = {secret} (and back: {})",
        caesar_shift(&secret, 13)
    );
    println!("reverse_words({text:?}) = {}", reverse_words(text));
    println!("rgb_to_hex(255, 128, 0) = {}", rgb_to_hex(255, 128, 0));
    let timings = [3.2, 1.5, 8.0, 2.4];
    println!("median({timings:?}) = {:?}", median(&timings));
    println!("format_duration(3725) = {}", format_duration(3725));
    // Written with the `regex` crate the package depends on.
    let card = "card 4111 1111 1111 1111, exp 09/27";
    println!("mask_digits({card:?}) = {}", mask_digits(card));
}
