// The remediation vault: see ../shared/VAULT.md.
package import Age
