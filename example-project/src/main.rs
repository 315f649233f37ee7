fn main() {
    println!("example-project: no intents accepted yet");
}
