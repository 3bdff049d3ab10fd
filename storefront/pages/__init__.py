"""HTML pages for buyers, sellers and officers."""
