"""What starts threads or processes and owns their transactions: the webhook event worker
(thread and process modes) and the launcher of a background daily run."""
