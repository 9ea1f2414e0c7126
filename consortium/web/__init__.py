"""The top of the house: the application factory, home pages, navigation, language, error
pages and security headers. It may import every domain; nothing imports it."""
