fn main() {
    println!("extapps");
}
