"""The proposal sent by private link, opened, accepted online or declined (issue 14).

The workspace's "Send" and signed copy are the workspace's routes
(intake/workspace/proposal_link.py), which call `service`. Importing the package runs
nothing: its pages are registered by `views.init_app`, so that the domain's modules
(`models`, `service`, and intake.pipeline which reads `models`) import without the
web layer."""
