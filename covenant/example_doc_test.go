package covenant

import "fmt"

// The four quarters of fiscal 2004 and the first of 2005 under the First Amendment
// covenants: the FY2004 profit of 3,000,000.00 raises the TNW floor by
// 1,500,000.00 from 2004-12-31, and the 2005 Q1 loss fails the net income test.
func ExampleEvaluate() {
	data := []byte(`period_end,fiscal_year,fiscal_quarter,total_assets,intangible_assets,total_liabilities,subordinated_debt,net_income
2004-04-04,2004,1,58000000.00,1000000.00,27000000.00,0.00,1000000.00
2004-07-04,2004,2,58500000.00,1000000.00,27000000.00,0.00,500000.00
2004-10-03,2004,3,59000000.00,1000000.00,27000000.00,0.00,500000.00
2004-12-31,2004,4,60000000.00,1000000.00,27000000.00,0.00,1000000.00
2005-04-03,2005,1,59000000.00,1000000.00,27000000.00,0.00,-1000000.00
`)
	sts, err := ReadStatements("financials.csv", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := Evaluate(btuTerms, sts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r.Table())
	// Output:
	// Period end  FY/Q     Covenant                           Actual       Required                                  Headroom  Result
	// -------------------------------------------------------------------------------------------------------------------------------
	// 2004-04-04  2004/Q1  minimum_tangible_net_worth  30,000,000.00  10,000,000.00                             20,000,000.00  pass
	// 2004-04-04  2004/Q1  maximum_leverage_ratio             0.9000         2.0000  1.1000 (total_liabilities 11,000,000.00)  pass
	// 2004-07-04  2004/Q2  minimum_tangible_net_worth  30,500,000.00  10,000,000.00                             20,500,000.00  pass
	// 2004-07-04  2004/Q2  maximum_leverage_ratio             0.8852         2.0000  1.1148 (total_liabilities 11,333,333.33)  pass
	// 2004-10-03  2004/Q3  minimum_tangible_net_worth  31,000,000.00  10,000,000.00                             21,000,000.00  pass
	// 2004-10-03  2004/Q3  maximum_leverage_ratio             0.8710         2.0000  1.1290 (total_liabilities 11,666,666.66)  pass
	// 2004-12-31  2004/Q4  minimum_tangible_net_worth  32,000,000.00  11,500,000.00                             20,500,000.00  pass
	// 2004-12-31  2004/Q4  minimum_net_income           1,000,000.00           1.00                                999,999.00  pass
	// 2004-12-31  2004/Q4  maximum_leverage_ratio             0.8438         2.0000  1.1563 (total_liabilities 12,333,333.33)  pass
	// 2005-04-03  2005/Q1  minimum_tangible_net_worth  31,000,000.00  11,500,000.00                             19,500,000.00  pass
	// 2005-04-03  2005/Q1  minimum_net_income          -1,000,000.00           1.00                             -1,000,001.00  fail
	// 2005-04-03  2005/Q1  maximum_leverage_ratio             0.8710         2.0000  1.1290 (total_liabilities 11,666,666.66)  pass
	//
	// 2005-04-03 minimum_net_income fail: net_income -1,000,000.00 is below the required minimum 1.00 by 1,000,001.00
}
