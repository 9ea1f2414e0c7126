"""The Consortium Registry: members, tools, councils, votes and cost sharing of a consortium.

The application is made by `consortium.web.app.create_app`; the layers are described in
README.md and kept by import-linter (`make lint`)."""
