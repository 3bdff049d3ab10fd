"""The Langso web application: pages for buyers, sellers and officers, the JSON API, the CLI."""
