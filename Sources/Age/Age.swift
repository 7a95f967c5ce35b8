// The age v1 file format (c2sp.org/age), implemented from swift-crypto primitives.
package enum Age {}
