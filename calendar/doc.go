// Package calendar owns banking days, business-day conventions, day counts for
// interest and fiscal periods. It is pure: no clock, no I/O; every date is an
// argument.
//
// # Business days
//
// A Calendar says which days are business days. A day is a business day when
// it is not a Saturday or a Sunday, not a holiday of the calendar's holiday
// set, and not a closure the facility added with WithClosures. The zero
// Calendar is the US Federal Reserve calendar (FederalReserve), the default
// the agreements fall back to when they define a Banking Day as a day the
// lender is open for business.
//
// The Federal Reserve holidays are those of the Federal Reserve System:
// New Year's Day, Birthday of Martin Luther King, Jr. (from 1986), Washington's
// Birthday, Memorial Day, Juneteenth National Independence Day (from 2021),
// Independence Day, Labor Day, Columbus Day, Veterans Day, Thanksgiving Day
// and Christmas Day. The dates come from github.com/rickar/cal/v2/us; the
// observance rule is the Federal Reserve's, which differs from the federal
// government's: a holiday that falls on a Sunday is observed on the following
// Monday, and a holiday that falls on a Saturday is not moved — the Federal
// Reserve Banks are open on the preceding Friday. So 24 December 2004 and
// 31 December 2004 (Christmas 2004 and New Year's Day 2005 fell on Saturdays)
// are business days, and Monday 5 July 2004 (Independence Day on a Sunday) is
// not. Rules are today's rules for every year: the pre-1971 dates of
// Washington's Birthday, Memorial Day, Columbus Day and Veterans Day are not
// modelled. One-off closures (for example a national day of mourning) are not
// in the default set; a facility adds them with WithClosures. Closed says why a
// day is not a business day (for explanations) and Holidays lists a year's
// weekday closures (for schedules and exports).
//
// The US Government Securities calendar (USGovernmentSecurities, named
// "us_government_securities") is the bond market's: a day is a "U.S.
// Government Securities Business Day", on which the Federal Reserve Bank of
// New York publishes SOFR, unless it is a weekend day or a day SIFMA
// recommends US fixed-income markets close for the whole day. Its holidays
// are New Year's Day, Martin Luther King, Jr. Day (from 1998), Washington's
// Birthday, Good Friday, Memorial Day, Juneteenth (from 2022: 18 June 2021
// was open), Independence Day, Labor Day, Columbus Day, Veterans Day,
// Thanksgiving Day and Christmas Day. Independence Day, Juneteenth and
// Christmas on a Saturday close the Friday before, on a Sunday the Monday
// after; New Year's Day and Veterans Day move only from a Sunday (31 December
// 2021 and 10 November 2023 were open). Good Friday is a full close except in
// the years SIFMA recommended an early close because the employment report
// was released that morning (2010, 2012, 2015, 2021, 2023 and 2026): an
// early close is a business day. One-off full closes are listed (11 and 12
// September 2001, 30 October 2012); early closes (the day after
// Thanksgiving, Christmas Eve, days of mourning) are business days. SIFMA
// decides each year anew: a later ad hoc recommendation needs an update here
// or a closure added with WithClosures. ByName reads "federal_reserve",
// "us_government_securities" (or "sifma") and "weekends_only". Sources: rule
// dates from github.com/rickar/cal/v2 (which has no bond-market calendar),
// the observance rules and exceptions from SIFMA's published holiday
// recommendations.
//
// The London calendar (London, named "london") is that of a "London Banking
// Day", on which LIBOR was fixed: weekends and the bank holidays of England
// and Wales — New Year's Day (from 1974), Good Friday, Easter Monday, the
// early May bank holiday (the first Monday in May, from 1978), the spring
// bank holiday (the last Monday in May), the summer bank holiday (the last
// Monday in August), Christmas Day and Boxing Day. A holiday on a weekend has
// its substitute day: New Year's Day on the Monday after; Christmas Day and
// Boxing Day two days later (so 27 and 28 December when Christmas falls on a
// Saturday, 26 and 27 when on a Sunday, 28 when Boxing Day alone falls on a
// Saturday). The one-off changes are listed: 29 July 1981 and 29 April 2011
// (royal weddings), 8 May 1995 and 8 May 2020 (the early May holiday moved
// for VE Day), 31 December 1999 (millennium), 2002 (spring holiday moved to 4
// June, Golden Jubilee 3 June), 2012 (spring holiday moved to 4 June, Diamond
// Jubilee 5 June), 2022 (spring holiday moved to 2 June, Platinum Jubilee 3
// June, the state funeral of Queen Elizabeth II 19 September), 8 May 2023
// (coronation). Earlier changes (the Whit Monday and first-Monday-in-August
// holidays before 1971, the 1977 jubilee) are not modelled. A later one-off
// holiday needs an update here or a closure added with WithClosures.
//
// Navigation: OnOrAfter and OnOrBefore return d itself when it is a business
// day; Next (alias BusinessDayAfter, the rule for a notice sent by overnight
// courier: "effective on the Business Day after deposit") and Previous are
// strictly after or before d. AddBusinessDays(d, n) moves n business days
// (n may be negative; d need not be a business day) and BusinessDaysBetween
// counts them back, so BusinessDaysBetween(d, AddBusinessDays(d, n)) == n.
//
// # Conventions
//
// A Convention moves a date that falls on a non-business day (ISDA 2006
// §4.12):
//
//   - Following: the first business day on or after the date.
//   - ModifiedFollowing: Following, unless that falls in the next calendar
//     month, in which case Preceding.
//   - Preceding: the last business day on or before the date.
//   - ModifiedPreceding: Preceding, unless that falls in the previous calendar
//     month, in which case Following.
//   - Unadjusted: the date as it is (the zero Convention).
//
// # Day counts
//
// A DayCount turns a period into an exact fraction of a year, num/den, with
// integer numerator and denominator; nothing is a float. The period is
// [start, end): the first day counts, the last does not.
//
//   - Actual360 ("actual_360", "act/360"): actual days / 360.
//   - Actual365Fixed ("actual_365", "act/365f"): actual days / 365, leap years
//     included.
//   - Thirty360 ("30_360", "30/360", "bond_basis"): the US bond basis of ISDA
//     2006 §4.16(f): with dates Y1-M1-D1 and Y2-M2-D2, D1 = 31 becomes 30, and
//     D2 = 31 becomes 30 only when D1 (after that change) is 30; then days =
//     360(Y2−Y1) + 30(M2−M1) + (D2−D1), over 360. There is no end-of-February
//     rule (that is Thirty360US).
//   - ThirtyE360 ("30e_360", "eurobond_basis"): ISDA 2006 §4.16(g): any 31st
//     becomes 30.
//   - Thirty360US ("30_360_us", "30/360 US", "30/360 SIA"): 30/360 US of the
//     SIA's Standard Securities Calculation Methods, the bond basis with the
//     end-of-February rules: when both dates are the last day of February D2
//     becomes 30, when the start is the last day of February D1 becomes 30,
//     then the bond basis rules. 28 February to 31 March 2007 is 30 days (the
//     bond basis: 33); 29 February 2008 to 28 February 2009 is 360 (359).
//   - ActualActualISDA ("actual_actual_isda", "Act/Act ISDA"): ISDA 2006
//     §4.16(b): the days in a leap year over 366 plus the days in other years
//     over 365, as num/(365 × 366). A bare "act/act" is refused: it could be
//     ISDA's or ICMA's.
//
// DayCount.Interest multiplies an amount by an annual rate and the fraction
// and rounds once, half away from zero, to the cent: the one rounding rule of
// package money.
//
// # Fiscal calendars
//
// A FiscalCalendar divides time into fiscal years and quarters (and, for the
// month-based and week-based kinds, months). A fiscal year is labelled by the
// calendar year of the month its rule anchors to (a 52/53-week year anchored
// to December that ends on 2 January 2010 is fiscal 2009). Kinds:
//
//   - MonthEndYear(m) (CalendarQuarters is MonthEndYear(December)): the year
//     ends on the last day of month m, quarters on the last days of every
//     third month.
//   - Weeks(pattern, end): 52/53-week years of whole weeks ending on a
//     weekday, the last such weekday of a month (LastInMonth) or the one
//     nearest to the month's last day (NearestMonthEnd); quarters of 13 weeks
//     with the 53rd week in the fourth quarter, months of 4-4-5, 4-5-4 or
//     5-4-4 weeks with the 53rd week in the last month. (Calendars that put
//     the 53rd week in the first quarter are not modelled; use Explicit.)
//   - AnchoredQuarters(m, weekday, anchor): the year ends on the last day of
//     month m; the first three quarters end on a weekday anchored to the
//     calendar quarter ends (on or after, on or before, or nearest). BTU
//     International's calendar — the year ends 31 December, the first three
//     quarters end on Sundays (4 April, 4 July, 3 October 2004) — is
//     AnchoredQuarters(time.December, time.Sunday, OnOrAfter).
//   - Explicit(periods...): period ends stated one by one.
package calendar
