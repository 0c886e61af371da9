"""AWS facts computed once per module from the semantic model: IAM policy documents, security-group
rules and flows, user data. Rules ask these instead of reading expressions themselves."""
