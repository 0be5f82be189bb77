"""A cluster-year's voting rule as its page's form sends it."""

RULE = {"quorum": "2/3", "threshold": "50%", "base": "members", "strict": "1", "tie_break": "runoff",
        "second_entry": "y", "citation": "Điều 9 Quy chế hoạt động của Khối", "seats_CO_BO": "1",
        "seats_BK_BO": "2", "version": "0"}
