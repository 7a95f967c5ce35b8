import Testing
@testable import Remediation
@Test func placeholder() {}
