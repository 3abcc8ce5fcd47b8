// The framework's adapter/por module only loads once adapter/index has (a require cycle inside
// the framework: loading por first leaves a base class undefined). Import PoR classes from here.
import '@chainlink/external-adapter-framework/adapter'
export * from '@chainlink/external-adapter-framework/adapter/por'
