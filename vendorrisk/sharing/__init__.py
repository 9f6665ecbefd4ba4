"""The data-sharing register: engagements of partner firms, and each disclosure of client data
made under one, checked against the firm's NDA, approval, reassessment and intake."""
